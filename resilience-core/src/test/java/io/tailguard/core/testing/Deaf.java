package io.tailguard.core.testing;

import java.util.concurrent.CountDownLatch;

/**
 * Waits as a blocking client that ignores interrupts does, for tests of losers that answer late.
 */
public final class Deaf {

  private Deaf() {}

  /**
   * Waits for {@code latch} through any interrupt, then sets the interrupt status again if one
   * came.
   *
   * @param latch the latch to wait for
   */
  public static void await(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
