package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
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
    List<List<Integer>> batches = new ArrayList<>();
    GroupCommit<Integer> group = new GroupCommit<>(8, batch -> {
      batches.add(batch);
      return new boolean[] {batch.getFirst() % 2 == 0};
    }, GroupCommitTest::untried);
    assertTrue(group.submit(2));
    assertFalse(group.submit(3));
    assertEquals(List.of(List.of(2), List.of(3)), batches);
  }

  @Test
  void writesArrivingDuringABatchGoTogetherInTheNextOneAndEachLearnsItsOwnResult() throws Exception {
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer> group = new GroupCommit<>(3, batch -> {
      batches.add(batch);
      if (batch.contains(0)) {
        firstRunning.countDown();
        await(release);
      }
      boolean[] made = new boolean[batch.size()];
      for (int i = 0; i < made.length; i++) {
        made[i] = batch.get(i) % 2 == 0;
      }
      return made;
    }, GroupCommitTest::untried);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Boolean> first = threads.submit(() -> group.submit(0));
      assertTrue(firstRunning.await(10, TimeUnit.SECONDS));
      List<Future<Boolean>> waiting = new ArrayList<>();
      for (int i = 1; i <= 7; i++) {
        int write = i;
        waiting.add(threads.submit(() -> group.submit(write)));
      }
      while (group.queued() < 7) {
        Thread.sleep(5);
      }
      release.countDown();
      assertTrue(first.get());
      for (int i = 1; i <= 7; i++) {
        assertEquals(i % 2 == 0, waiting.get(i - 1).get(), "write " + i);
      }
    }
    assertEquals(List.of(0), batches.getFirst());
    // the seven that waited went in batches of at most three, each write once
    List<Integer> later = batches.subList(1, batches.size()).stream().flatMap(List::stream).sorted().toList();
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), later);
    assertEquals(3, batches.size() - 1, batches.toString());
    assertTrue(batches.stream().allMatch(b -> b.size() <= 3), batches.toString());
  }

  @Test
  void aFailedBatchFailsItsWritesAndThoseWaitingForItButNoLaterOne() throws Exception {
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    StoreUnavailableException down = new StoreUnavailableException("database down", null);
    List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer> group = new GroupCommit<>(8, batch -> {
      batches.add(batch);
      if (batch.contains(0)) {
        firstRunning.countDown();
        await(release);
        throw down;
      }
      boolean[] made = new boolean[batch.size()];
      Arrays.fill(made, true);
      return made;
    }, GroupCommitTest::untried);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Boolean> first = threads.submit(() -> group.submit(0));
      assertTrue(firstRunning.await(10, TimeUnit.SECONDS));
      Future<Boolean> one = threads.submit(() -> group.submit(1));
      Future<Boolean> two = threads.submit(() -> group.submit(2));
      while (group.queued() < 2) {
        Thread.sleep(5);
      }
      release.countDown();
      assertSame(down, assertThrows(ExecutionException.class, first::get).getCause());
      for (Future<Boolean> waited : List.of(one, two)) {
        Throwable e = assertThrows(ExecutionException.class, waited::get).getCause();
        assertEquals("untried", e.getMessage());
        assertSame(down, e.getCause());
      }
    }
    assertEquals(List.of(List.of(0)), batches, "the writes that waited were not tried");
    assertTrue(group.submit(4), "the next batch is written again");
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
