package io.tailguard.core.hedge;

import io.tailguard.core.internal.SecondWindow;
import io.tailguard.core.time.Clock;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The token bucket of {@link BudgetConfig}: primaries add {@code maxExtraLoad} tokens, hedges take
 * one, a floor refill adds what the primaries' share falls short of {@code minHedgesPerSecond} per
 * second (nothing on a busy service, whose extra load stays its share), and the bucket holds at
 * most the larger of {@code burst} and the share {@code maxExtraLoad} of the primaries of the last
 * {@link #RESERVE_SECONDS} seconds. It starts with {@code burst}.
 *
 * <p>Why the capacity follows the traffic: a fixed burst of 10 tokens is half a second of budget at
 * 400 calls per second, so a cluster of slow answers (a stall of the dependency, a slow replica)
 * emptied it and the slow calls that followed went unhedged while the budget's long-run share was
 * unspent. Holding a few seconds' worth of the share lets such a cluster spend what quiet seconds
 * saved, and no more: unspent share older than the reserve is lost, so a long quiet spell cannot
 * pay for a long storm.
 *
 * <p>Thread-safe and lock-free. {@code tokens} holds micro-tokens (so fractional refills add up
 * exactly) and changes only by CAS, capped at the capacity. {@code lastRefillNanos} is claimed by
 * CAS before the floor refill it covers is added, so each nanosecond of floor refill is added once;
 * a refill too small to add a micro-token leaves the claim for later so no refill is lost to
 * rounding. Every addition rounds down, so hedges never exceed {@code burst + maxExtraLoad *
 * primaries + minHedgesPerSecond * seconds}: the capacity only limits what is kept. Primaries, and
 * the tokens that attempts after failures took, are counted in one {@link SecondWindow} of {@link
 * #SPEND_SECONDS} seconds, for {@link #spentOnFailures()}; the capacity reads the primaries of
 * about the last {@link #RESERVE_SECONDS} from it, the oldest second pro rata ({@link
 * SecondWindow#slidingSum(int, int)}). Counting whole buckets instead (the current second and the
 * one before) halved the capacity at every second boundary and dropped the tokens above it: the
 * reserve was one to two seconds, depending on where a burst fell in the clock's second.
 *
 * <p>Hedges that find no token wait in a line, oldest first ({@link #acquireOrQueue}): each token
 * the primaries earn or a refund returns goes to the call that has waited longest, and a new hedge
 * is refused while any call waits. Two exceptions: an attempt that a failure asks for takes a token
 * that is there without looking at the line (while calls wait, there rarely is one), and a token
 * that arrives when the bucket is at its capacity is dropped as any other would be, even if calls
 * wait (only when tokens come back together faster than a drain hands them out). Before the line, a
 * refused hedge tried again after twice its delay, four times, and so on up to a second apart, so
 * the hedges that reached their delay while a token was there took it and the calls that had waited
 * longest, which are also those whose stall will last longest (a heavy tail's remaining time grows
 * with its age), waited up to seconds more: in a 120 s run of the suite's {@code replicas}, the
 * slowest calls waited 0.4 to 1.6 s unhedged while the budget's long-run share went a third
 * unspent.
 *
 * <p>The line's protocol: {@code waiting} counts the tickets in state {@code WAITING}; a ticket
 * moves by CAS from {@code NEW} to {@code WAITING} (counted, then added to {@code line}), from
 * {@code WAITING} to {@code GRANTED} (by {@link #drain}, which took a token for it), and from
 * either of the first two to {@code LEFT} (its call no longer needs the hedge); nothing leaves
 * {@code GRANTED} or {@code LEFT}. {@link #drain} runs on one thread at a time ({@code
 * drainRequests}: a request while a drain runs makes it go round again), so a grant's callback,
 * which runs on the draining thread with no lock held and may return a token, never nests another
 * drain. If the callback declines, the token goes back. {@code line} may hold a ticket that left
 * (removed when seen), and a counted ticket may not be in it yet: the drain then gives the token
 * back and stops, and the ticket's own {@link #acquireOrQueue}, which drains after adding it, makes
 * a drain pass happen after the add (the lost wake-up that {@code BudgetLineQueueVsEarnTest} found
 * in a version without the request count).
 */
final class HedgeBudget {

  static final long SCALE = 1_000_000L;

  /**
   * How many seconds of the budget's share the bucket may hold, where that is more than the burst.
   * Two seconds cover a slow replica's episode of a few hundred milliseconds; more would let a
   * saturated budget spend well over its share in any span of a few seconds. Less than {@link
   * #SPEND_SECONDS}, whose window it reads.
   */
  static final int RESERVE_SECONDS = 2;

  /** How many seconds {@link #spentOnFailures()} looks back. */
  static final int SPEND_SECONDS = 10;

  /**
   * The share of what the primaries earned that attempts after failures must have taken for the
   * budget to count as spent on failures: half of it.
   */
  static final double FAILURE_SHARE = 0.5;

  private static final int PRIMARIES = 0;
  private static final int AFTER_FAILURE = 1;

  private final Clock clock;
  private final AtomicLong tokens;
  private final AtomicLong lastRefillNanos;
  // Primaries (kind 0) and tokens taken by attempts after failures (kind 1) over the last
  // SPEND_SECONDS seconds; the reserve reads the primaries of its last RESERVE_SECONDS from it.
  // Refunds are not subtracted, so the spend errs high: the floor then stays put rather than rise.
  private final SecondWindow window;
  private volatile BudgetConfig config;
  // Calls waiting for a token, oldest first; see the class comment for the protocol.
  private final ConcurrentLinkedQueue<Ticket> line = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  // Drain requests not yet served; whoever raises it from zero drains until it is zero again.
  private final AtomicInteger drainRequests = new AtomicInteger();

  /**
   * A call's place in the line for a token. Its callback, run once when the budget took a token for
   * it, returns whether the call still used it (false gives the token back).
   */
  static final class Ticket {
    private static final int NEW = 0;
    private static final int WAITING = 1;
    private static final int GRANTED = 2;
    private static final int LEFT = 3;

    private final AtomicInteger state = new AtomicInteger(NEW);
    private final Predicate<Ticket> onGrant;

    Ticket(Predicate<Ticket> onGrant) {
      this.onGrant = onGrant;
    }

    boolean isGranted() {
      return state.get() == GRANTED;
    }
  }

  HedgeBudget(BudgetConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.tokens = new AtomicLong(capacity(config));
    this.lastRefillNanos = new AtomicLong(clock.nanoTime());
    this.window = new SecondWindow(clock, SPEND_SECONDS, 2);
  }

  private static long capacity(BudgetConfig c) {
    return (long) (c.burst() * SCALE);
  }

  /** Returns the most tokens the bucket may hold now, in micro-tokens. */
  private long capacity() {
    BudgetConfig c = config;
    return Math.max(capacity(c), (long) (c.maxExtraLoad() * reservePrimaries() * SCALE));
  }

  /** The primaries of about the last {@link #RESERVE_SECONDS}: the capacity does not step. */
  private double reservePrimaries() {
    return window.slidingSum(PRIMARIES, RESERVE_SECONDS);
  }

  /** A primary attempt started: it earns {@code maxExtraLoad} of a hedge. */
  void onPrimary() {
    window.increment(PRIMARIES);
    add((long) (config.maxExtraLoad() * SCALE));
    if (waiting.get() > 0) {
      drain();
    }
  }

  /** Takes a token for a hedge, if there is one and no call waits in line for one. */
  boolean tryAcquire() {
    return waiting.get() == 0 && take(false);
  }

  /**
   * Takes a token for a hedge that its delay sent, if there is one and no call waits for one.
   * Otherwise puts {@code ticket} at the end of the line: its callback runs when a token comes for
   * it, possibly before this method returns, on this thread. Call it holding no lock that the
   * callback of another call's ticket takes.
   *
   * @param ticket a new ticket, for this hedge only
   * @return true if a token was taken now; false if the ticket waits in line (or was already
   *     granted, or its call left)
   */
  boolean acquireOrQueue(Ticket ticket) {
    if (tryAcquire()) {
      return true;
    }
    waiting.incrementAndGet();
    if (!ticket.state.compareAndSet(Ticket.NEW, Ticket.WAITING)) {
      waiting.decrementAndGet(); // its call left before it got in line
      return false;
    }
    line.add(ticket);
    if (ticket.state.get() == Ticket.LEFT) {
      line.remove(ticket); // it left in between: do not keep its call reachable
    }
    drain();
    return false;
  }

  /**
   * Takes {@code ticket} out of the line: its call no longer needs the hedge. Lock-free; never runs
   * a callback, so a call may leave while holding its own lock.
   *
   * @return false if a token was already granted to it (its callback runs or has run), or it had
   *     already left
   */
  boolean leave(Ticket ticket) {
    if (ticket.state.compareAndSet(Ticket.NEW, Ticket.LEFT)) {
      return true;
    }
    if (ticket.state.compareAndSet(Ticket.WAITING, Ticket.LEFT)) {
      waiting.decrementAndGet();
      line.remove(ticket);
      return true;
    }
    return false;
  }

  /**
   * Hands the tokens there are to the calls in line, oldest first. Runs when tokens come (a
   * primary's share, a refund) and when a waiting call looks again (the floor refill of a quiet
   * service is added only when the bucket is read).
   */
  void drain() {
    // One thread drains at a time; a request made meanwhile, from another thread or from a grant's
    // callback on this one (a breaker that refuses the granted hedge returns its token), makes the
    // draining thread go round once more instead of nesting a drain per waiting call.
    if (drainRequests.getAndIncrement() != 0) {
      return;
    }
    int requests = 1;
    do {
      while (waiting.get() > 0 && take(false)) {
        Ticket t = line.poll();
        if (t == null) {
          // Counted but not in line yet: its acquireOrQueue drains after adding it.
          add(SCALE);
          break;
        }
        if (!t.state.compareAndSet(Ticket.WAITING, Ticket.GRANTED)) {
          add(SCALE); // it left
          continue;
        }
        waiting.decrementAndGet();
        if (!t.onGrant.test(t)) {
          add(SCALE); // its call no longer needed the hedge
        }
      }
      requests = drainRequests.addAndGet(-requests);
    } while (requests != 0);
  }

  /** Returns how many calls wait in line for a token. */
  int waiting() {
    return waiting.get();
  }

  /**
   * Takes a token for an attempt after failures, if there is one: one that a retryable failure or
   * an unacceptable result asked for, or one started because every attempt ended without an answer.
   */
  boolean tryAcquireAfterFailure() {
    return take(true);
  }

  private boolean take(boolean afterFailure) {
    refill();
    for (; ; ) {
      long t = tokens.get();
      if (t < SCALE) {
        return false;
      }
      if (tokens.compareAndSet(t, t - SCALE)) {
        if (afterFailure) {
          window.increment(AFTER_FAILURE);
        }
        return true;
      }
    }
  }

  /**
   * Returns whether attempts after failures took at least {@link #FAILURE_SHARE} of what the
   * primaries of the last {@link #SPEND_SECONDS} seconds earned: a hedge refused then says that
   * failures spend the budget, not that the delay is too short for the slow calls' bursts. Hedges
   * that the delay sent do not count: a burst of them is what a refusal is meant to report (see
   * {@link AdaptiveDelay}).
   */
  boolean spentOnFailures() {
    long[] s = window.sums();
    return s[AFTER_FAILURE] > 0
        && s[AFTER_FAILURE] >= FAILURE_SHARE * config.maxExtraLoad() * s[PRIMARIES];
  }

  /** Returns a token taken for a hedge that was not sent after all. */
  void refund() {
    add(SCALE);
    if (waiting.get() > 0) {
      drain();
    }
  }

  private void refill() {
    // The floor is for quiet services: it adds only what the primaries' share falls short of it.
    BudgetConfig c = config;
    double earned = c.maxExtraLoad() * reservePrimaries() / RESERVE_SECONDS;
    double rate = Math.max(0, c.minHedgesPerSecond() - earned);
    long now = clock.nanoTime();
    long last = lastRefillNanos.get();
    long elapsed = now - last;
    if (elapsed <= 0) {
      return;
    }
    long micro = (long) (elapsed / 1e9 * rate * SCALE);
    if (micro == 0 && rate > 0) {
      return; // keep the claim open: the fraction adds up
    }
    if (lastRefillNanos.compareAndSet(last, now) && micro > 0) {
      add(micro);
    }
  }

  private void add(long micro) {
    long cap = capacity();
    for (; ; ) {
      long t = tokens.get();
      // Above a capacity that fell with the traffic, the excess is dropped.
      long next = Math.min(cap, t + micro);
      if (next == t || tokens.compareAndSet(t, next)) {
        return;
      }
    }
  }

  /** Returns the tokens available now, as a fraction of hedges. */
  double available() {
    refill();
    return (double) tokens.get() / SCALE;
  }

  /**
   * Returns how full the bucket is: its tokens over the most it may hold now. Read-only: the floor
   * refill of a quiet service shows from the next acquisition on.
   *
   * @return in [0, 1]
   */
  double fill() {
    return Math.min(1, (double) tokens.get() / capacity());
  }

  void reconfigure(BudgetConfig next) {
    config = next;
    add(0);
    long cap = capacity();
    tokens.getAndUpdate(t -> Math.min(t, cap));
  }
}
