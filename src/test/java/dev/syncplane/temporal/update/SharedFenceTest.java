package dev.syncplane.temporal.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SharedFenceTest {

  @Test
  void everyAnswerComesFromAReadThatBeganAfterItsRequest() throws Exception {
    AtomicLong committed = new AtomicLong(1);
    AtomicInteger reads = new AtomicInteger();
    SharedFence fence = new SharedFence(() -> {
      reads.incrementAndGet();
      long v = committed.get();
      sleep(2);
      return v;
    });
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<long[]>> answers = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        answers.add(pool.submit(() -> {
          long before = committed.get(); // what was committed when this write asked
          long answer = fence.getAsLong();
          if (Math.random() < 0.05) {
            committed.incrementAndGet(); // a newer version commits now and then
          }
          return new long[] {before, answer};
        }));
      }
      for (Future<long[]> a : answers) {
        long[] r = a.get(10, TimeUnit.SECONDS);
        assertThat(r[1]).as("never a reading older than the request").isGreaterThanOrEqualTo(r[0]);
      }
      assertThat(reads.get()).as("reads shared among writers in flight").isLessThan(400);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedReadFailsTheWritesItServes() {
    SharedFence fence = new SharedFence(() -> {
      throw new IllegalStateException("database down");
    });
    assertThatThrownBy(fence::getAsLong).isInstanceOf(IllegalStateException.class).hasMessage("database down");
  }

  @Test
  void aLoneWriterReadsItself() throws Exception {
    CountDownLatch read = new CountDownLatch(2);
    SharedFence fence = new SharedFence(() -> {
      read.countDown();
      return 7;
    });
    assertThat(fence.getAsLong()).isEqualTo(7);
    assertThat(fence.getAsLong()).isEqualTo(7);
    assertThat(read.getCount()).as("two requests one after the other: two reads").isZero();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
