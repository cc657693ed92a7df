package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  @Test
  void aWriteThatComesAloneIsWrittenAloneByItsCaller() {
    Writes writes = new Writes(null);
    GroupCommit<Integer> group = writes.group(8);
    assertTrue(group.submit(2));
    assertFalse(group.submit(3));
    assertEquals(List.of(List.of(2), List.of(3)), writes.batches);
  }

  @Test
  void writesArrivingDuringABatchGoTogetherInTheNextOneAndEachLearnsItsOwnResult() throws Exception {
    Writes writes = new Writes(null);
    GroupCommit<Integer> group = writes.group(3);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = writes.behindAHeldBatch(threads, group, 7);
      for (int i = 0; i <= 7; i++) {
        assertEquals(i % 2 == 0, results.get(i).get(), "write " + i);
      }
    }
    assertEquals(List.of(0), writes.batches.getFirst());
    // the seven that waited went in batches of at most three, each write once
    List<Integer> later = writes.batches.subList(1, writes.batches.size()).stream().flatMap(List::stream).sorted().toList();
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), later);
    assertEquals(3, writes.batches.size() - 1, writes.batches.toString());
    assertTrue(writes.batches.stream().allMatch(b -> b.size() <= 3), writes.batches.toString());
  }

  @Test
  void aFailedBatchFailsItsWritesAndThoseWaitingForItButNoLaterOne() throws Exception {
    StoreUnavailableException down = new StoreUnavailableException("database down", null);
    Writes writes = new Writes(down);
    GroupCommit<Integer> group = writes.group(8);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = writes.behindAHeldBatch(threads, group, 2);
      assertSame(down, assertThrows(ExecutionException.class, results.get(0)::get).getCause());
      for (Future<Boolean> waited : results.subList(1, 3)) {
        Throwable e = assertThrows(ExecutionException.class, waited::get).getCause();
        assertEquals("untried", e.getMessage());
        assertSame(down, e.getCause());
      }
    }
    assertEquals(List.of(List.of(0)), writes.batches, "the writes that waited were not tried");
    assertTrue(group.submit(4), "the next batch is written again");
  }

  /**
   * The batches written, each recorded; the even writes are made. The batch with write 0 is held
   * until released, then fails with {@code failure} if there is one.
   */
  private static final class Writes {
    final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    private final RuntimeException failure;
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    Writes(RuntimeException failure) {
      this.failure = failure;
    }

    GroupCommit<Integer> group(int maxBatch) {
      return new GroupCommit<>(maxBatch, this::write, GroupCommitTest::untried);
    }

    private boolean[] write(List<Integer> batch) {
      batches.add(batch);
      if (batch.contains(0)) {
        holding.countDown();
        await(release);
        if (failure != null) {
          throw failure;
        }
      }
      boolean[] made = new boolean[batch.size()];
      for (int i = 0; i < made.length; i++) {
        made[i] = batch.get(i) % 2 == 0;
      }
      return made;
    }

    /**
     * Submits write 0, and while its batch is held, writes 1 to {@code waiting}; lets the batch go
     * once they all wait. Returns each submission's result, write 0's first.
     */
    List<Future<Boolean>> behindAHeldBatch(ExecutorService threads, GroupCommit<Integer> group, int waiting)
        throws InterruptedException {
      List<Future<Boolean>> results = new ArrayList<>(List.of(threads.submit(() -> group.submit(0))));
      assertTrue(holding.await(10, TimeUnit.SECONDS));
      for (int i = 1; i <= waiting; i++) {
        int write = i;
        results.add(threads.submit(() -> group.submit(write)));
      }
      while (group.queued() < waiting) {
        Thread.sleep(5);
      }
      release.countDown();
      return results;
    }
  }

  private static RuntimeException untried(RuntimeException failure) {
    return new IllegalStateException("untried", failure);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
