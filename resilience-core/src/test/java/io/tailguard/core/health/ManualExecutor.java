package io.tailguard.core.health;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** An executor that only queues; the test runs the queued tasks on its own thread when it wants. */
final class ManualExecutor implements Executor {

  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable command) {
    queue.add(command);
  }

  synchronized int queued() {
    return queue.size();
  }

  void runAll() {
    for (Runnable r = poll(); r != null; r = poll()) {
      r.run();
    }
  }

  private synchronized Runnable poll() {
    return queue.poll();
  }
}
