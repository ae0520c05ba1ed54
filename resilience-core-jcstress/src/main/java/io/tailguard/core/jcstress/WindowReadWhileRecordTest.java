package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.internal.window.RollingWindow;
import io.tailguard.core.internal.window.WindowSnapshot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;

/**
 * A snapshot is taken while a failed, slow call is recorded into the same stripe. The snapshot
 * reads the stripe optimistically; it must see the record whole or not at all, never a call without
 * its failure or its latency.
 */
@JCStressTest
@Description("RollingWindow: a snapshot racing a record sees all of the record or none of it")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the snapshot came first")
@Outcome(id = "1, 1, 7", expect = ACCEPTABLE, desc = "the record came first")
@Outcome(expect = FORBIDDEN, desc = "half a record")
@State
public class WindowReadWhileRecordTest {

  static final long BUCKET = 100;

  final RollingWindow window = new RollingWindow(0, BUCKET, 4, 0, null);

  @Actor
  public void record() {
    window.record(10, 7, true, true);
  }

  @Actor
  public void read(JJJ_Result r) {
    WindowSnapshot s = window.snapshot(10, 1.0);
    r.r1 = s.calls();
    // 1 when the call came with its failure and its slowness, 0 with neither, -1 for anything else
    long marks = s.failures() + s.slowCalls();
    r.r2 = marks == 2 ? 1 : marks == 0 ? 0 : -1;
    r.r3 = (long) s.meanLatencyNanos();
  }
}
