package dev.syncplane.temporal.update;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;

/**
 * The fence of one batch's parallel writes: each write needs the committed version read after it asked,
 * but one read can serve every write that asked before the read began. Writes that ask while a read is
 * under way wait for the next one, which begins after them. So each write still gets a reading taken
 * right before it, and 16 writers in flight make a few queries instead of one each.
 */
final class SharedFence implements LongSupplier {
  private final LongSupplier read;
  /** The requests no started read covers yet; null when there are none. */
  private CompletableFuture<Long> waiting;
  private boolean reading;

  SharedFence(LongSupplier read) {
    this.read = read;
  }

  @Override
  public long getAsLong() {
    CompletableFuture<Long> mine;
    boolean lead;
    synchronized (this) {
      if (waiting == null) {
        waiting = new CompletableFuture<>();
      }
      mine = waiting;
      lead = !reading;
      if (lead) {
        reading = true;
        waiting = null; // the read below begins after every request in `mine`
      }
    }
    if (lead) {
      CompletableFuture<Long> batch = mine;
      while (true) {
        try {
          batch.complete(read.getAsLong());
        } catch (RuntimeException e) {
          batch.completeExceptionally(e);
        }
        synchronized (this) {
          if (waiting == null) {
            reading = false;
            break;
          }
          batch = waiting; // asked during that read: one more read, begun after them
          waiting = null;
        }
      }
    }
    try {
      return mine.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
