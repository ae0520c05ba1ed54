package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.internal.window.OutcomeCells;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;

/**
 * Two threads record lifetime outcomes on one set of cells (a collision grows the table); one then
 * reads the totals while the other may still be recording. No record is lost to the growth, and the
 * reader sees its own record and the other one whole or not at all.
 */
@JCStressTest
@Description("OutcomeCells: concurrent records and a totals read; nothing lost or torn")
@Outcome(id = "1, 2, 2", expect = ACCEPTABLE, desc = "read before the other record")
@Outcome(id = "2, 2, 2", expect = ACCEPTABLE, desc = "read after both records")
@Outcome(expect = FORBIDDEN, desc = "a record lost or counted twice")
@State
public class CellsTotalsReadTest {

  final OutcomeCells cells = new OutcomeCells();

  @Actor
  public void first() {
    cells.record(null, 1, 1, false, false);
  }

  @Actor
  public void secondThenRead(JJJ_Result r) {
    cells.record(null, 1, 1, true, false);
    long[] t = cells.totals();
    r.r1 = t[0] + t[1] + t[2];
  }

  @Arbiter
  public void arbiter(JJJ_Result r) {
    long[] t = cells.totals();
    r.r2 = t[0] + t[1] + t[2];
    r.r3 = t[0] == 1 && t[1] == 1 && t[2] == 0 ? 2 : -1; // one success and one failure
  }
}
