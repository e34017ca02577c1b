package io.warren.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  private static final StoreOptions OPTIONS =
      StoreOptions.of("meta", "queue-index", "bodies").withLargeValues("bodies");

  @TempDir Path tmp;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void batchChangesAreInvisibleUntilWrittenThenAllVisibleAcrossFamilies() {
    try (Store store = Stores.open(tmp.resolve("db"), OPTIONS);
        StoreBatch batch = store.newBatch()) {
      batch.put("meta", b("q1"), b("declared"));
      batch.put("queue-index", Keys.ofLong(1), b("m1"));
      batch.put("bodies", b("m1"), b("hello"));
      assertThat(batch.count()).isEqualTo(3);
      assertThat(store.get("meta", b("q1"))).isNull();

      store.write(batch);

      assertThat(store.get("meta", b("q1"))).isEqualTo(b("declared"));
      assertThat(store.get("queue-index", Keys.ofLong(1))).isEqualTo(b("m1"));
      assertThat(store.get("bodies", b("m1"))).isEqualTo(b("hello"));
    }
  }

  @Test
  void statsReportFilesMemtablesAndNoStallOnAnIdleStore() {
    try (Store store = Stores.open(tmp.resolve("db"), OPTIONS)) {
      try (StoreBatch batch = store.newBatch()) {
        batch.put("meta", b("flushed"), b("to a table file"));
        store.write(batch);
      }
      store.flush();
      try (StoreBatch batch = store.newBatch()) {
        batch.put("meta", b("unflushed"), b("in a memtable"));
        store.write(batch);
      }

      StoreStats stats = store.stats();

      assertThat(stats.sstBytes()).isPositive();
      assertThat(stats.memtableBytes()).isPositive();
      assertThat(stats.pendingCompactionBytes()).isNotNegative();
      assertThat(stats.runningCompactions()).isNotNegative();
      assertThat(stats.delayedWriteRate()).isZero();
      assertThat(stats.writeStopped()).isFalse();
      assertThat(stats.writeDelays()).isZero();
      assertThat(stats.writeStops()).isZero();
    }
  }

  @Test
  void withoutWriteLogACleanCloseKeepsEveryWrite() {
    StoreOptions unlogged = OPTIONS.withWriteLog(StoreOptions.WriteLog.NONE);
    try (Store store = Stores.open(tmp.resolve("db"), unlogged);
        StoreBatch batch = store.newBatch()) {
      batch.put("meta", b("q1"), b("declared"));
      batch.put("bodies", b("m1"), new byte[8192]);
      store.write(batch);
    }
    try (Store store = Stores.open(tmp.resolve("db"), unlogged)) {
      assertThat(store.get("meta", b("q1"))).isEqualTo(b("declared"));
      assertThat(store.get("bodies", b("m1"))).hasSize(8192);
    }
  }

  @Test
  void concurrentReadersNeverSeeHalfABatch() throws Exception {
    // A writer moves one unit at a time between two keys; an iterator reads one consistent view,
    // so the total it sees must never change.
    try (Store store = Stores.open(tmp.resolve("db"), OPTIONS)) {
      try (StoreBatch init = store.newBatch()) {
        init.put("meta", b("a"), Keys.ofLong(1000));
        init.put("meta", b("b"), Keys.ofLong(0));
        store.write(init);
      }
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<String> violation = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                while (!done.get()) {
                  long sum = 0;
                  try (StoreIterator it = store.iterate("meta", KeyRange.all())) {
                    while (it.hasNext()) {
                      sum += Keys.getLong(it.next().value(), 0);
                    }
                  }
                  if (sum != 1000) {
                    violation.set("saw a total of " + sum);
                  }
                }
              });
      reader.start();
      for (int i = 1; i <= 1000; i++) {
        try (StoreBatch move = store.newBatch()) {
          move.put("meta", b("b"), Keys.ofLong(i));
          move.put("meta", b("a"), Keys.ofLong(1000 - i));
          store.write(move);
        }
      }
      done.set(true);
      reader.join();
      assertThat(violation.get()).isNull();
      assertThat(Keys.getLong(store.get("meta", b("b")), 0)).isEqualTo(1000);
    }
  }

  @Test
  void aBatchWithAnUnknownFamilyFailsBeforeAnythingIsWritten() {
    try (Store store = Stores.open(tmp.resolve("db"), OPTIONS);
        StoreBatch batch = store.newBatch()) {
      batch.put("meta", b("k"), b("v"));
      assertThatThrownBy(() -> batch.put("nope", b("k"), b("v")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unknown family 'nope'");
      assertThat(store.get("meta", b("k"))).isNull();
    }
  }

  @Test
  void iterationFollowsKeyOrderForwardBackwardAndWithinRanges() {
    Random random = new Random(42);
    List<Long> numbers = new ArrayList<>();
    try (Store store = Stores.open(tmp.resolve("db"), OPTIONS);
        StoreBatch batch = store.newBatch()) {
      for (int i = 0; i < 2000; i++) {
        long n = random.nextLong();
        numbers.add(n);
        batch.put("queue-index", Keys.withLong(b("q1/"), n), Keys.ofLong(n));
      }
      batch.put("queue-index", b("q0/x"), b("other queue"));
      batch.put("queue-index", b("q2/x"), b("other queue"));
      store.write(batch);

      List<Long> sorted = numbers.stream().distinct().sorted().toList();
      assertThat(readLongs(store, KeyRange.prefix(b("q1/")), false)).isEqualTo(sorted);
      List<Long> reversed = new ArrayList<>(sorted);
      java.util.Collections.reverse(reversed);
      assertThat(readLongs(store, KeyRange.prefix(b("q1/")), true)).isEqualTo(reversed);

      long lo = sorted.get(100);
      long hi = sorted.get(200);
      KeyRange between = KeyRange.between(Keys.withLong(b("q1/"), lo), Keys.withLong(b("q1/"), hi));
      assertThat(readLongs(store, between, false)).isEqualTo(sorted.subList(100, 200));

      List<KeyValue> all = store.scan("queue-index", KeyRange.all(), Integer.MAX_VALUE);
      assertThat(all).hasSize(sorted.size() + 2);
      for (int i = 1; i < all.size(); i++) {
        assertThat(Arrays.compareUnsigned(all.get(i - 1).key(), all.get(i).key())).isNegative();
      }
      assertThat(store.scan("queue-index", KeyRange.all(), 3)).hasSize(3);
    }
  }

  private static List<Long> readLongs(Store store, KeyRange range, boolean reverse) {
    List<Long> out = new ArrayList<>();
    try (StoreIterator it = store.iterate("queue-index", range, reverse)) {
      it.forEachRemaining(kv -> out.add(Keys.getLong(kv.value(), 0)));
    }
    return out;
  }

  @Test
  void deleteAndDeleteRange() {
    try (Store store = Stores.open(tmp.resolve("db"), OPTIONS)) {
      try (StoreBatch batch = store.newBatch()) {
        for (long i = 0; i < 100; i++) {
          batch.put("queue-index", Keys.ofLong(i), b("v" + i));
        }
        store.write(batch);
        batch.clear();
        batch.deleteRange("queue-index", Keys.ofLong(10), Keys.ofLong(90));
        batch.delete("queue-index", Keys.ofLong(0));
        store.write(batch);
      }
      List<KeyValue> left = store.scan("queue-index", KeyRange.all(), 1000);
      assertThat(left).extracting(kv -> Keys.getLong(kv.key(), 0))
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 90L, 91L, 92L, 93L, 94L, 95L, 96L,
              97L, 98L, 99L);
    }
  }

  @Test
  void dataSurvivesCloseAndReopenIncludingManyKeysAndLargeValues() {
    Path dir = tmp.resolve("db");
    byte[] big = new byte[8 << 20];
    new Random(1).nextBytes(big);
    try (Store store = Stores.open(dir, OPTIONS);
        StoreBatch batch = store.newBatch()) {
      for (long i = 0; i < 100_000; i++) {
        batch.put("queue-index", Keys.ofLong(i), Keys.ofLong(i * 3));
        if (batch.count() == 10_000) {
          store.write(batch);
          batch.clear();
        }
      }
      batch.put("bodies", b("big"), big);
      store.write(batch);
    }
    try (Store store = Stores.open(dir, StoreOptions.of("meta"))) {
      // Families not asked for are opened anyway, so nothing already there is ever hidden.
      assertThat(store.families()).contains("meta", "queue-index", "bodies");
      assertThat(store.get("bodies", b("big"))).isEqualTo(big);
      long count = 0;
      try (StoreIterator it = store.iterate("queue-index", KeyRange.all())) {
        while (it.hasNext()) {
          KeyValue kv = it.next();
          assertThat(Keys.getLong(kv.value(), 0)).isEqualTo(Keys.getLong(kv.key(), 0) * 3);
          count++;
        }
      }
      assertThat(count).isEqualTo(100_000);
      assertThat(store.stats().estimatedKeys()).isPositive();
    }
  }

  @Test
  void checkpointIsAConsistentCopyThatOpensIndependently() {
    Path live = tmp.resolve("live");
    Path checkpoint = tmp.resolve("ckpt");
    byte[] body = new byte[1 << 20];
    new Random(7).nextBytes(body);
    try (Store store = Stores.open(live, OPTIONS)) {
      try (StoreBatch batch = store.newBatch()) {
        batch.put("meta", b("applied"), Keys.ofLong(41));
        batch.put("bodies", b("m1"), body);
        store.write(batch);
      }
      store.checkpoint(checkpoint);
      try (StoreBatch batch = store.newBatch()) {
        batch.put("meta", b("applied"), Keys.ofLong(42));
        batch.delete("bodies", b("m1"));
        store.write(batch);
      }
      assertThatThrownBy(() -> store.checkpoint(checkpoint))
          .isInstanceOf(IllegalArgumentException.class);
    }
    Path restored = tmp.resolve("restored");
    try (Store copy = Stores.openCopy(checkpoint, restored, OPTIONS)) {
      assertThat(Keys.getLong(copy.get("meta", b("applied")), 0)).isEqualTo(41);
      assertThat(copy.get("bodies", b("m1"))).isEqualTo(body);
      try (StoreBatch batch = copy.newBatch()) {
        batch.put("meta", b("applied"), Keys.ofLong(100));
        copy.write(batch);
      }
    }
    // Writing to the copy changed neither the checkpoint nor the original.
    try (Store second = Stores.openCopy(checkpoint, tmp.resolve("second"), OPTIONS);
        Store original = Stores.open(live, OPTIONS)) {
      assertThat(Keys.getLong(second.get("meta", b("applied")), 0)).isEqualTo(41);
      assertThat(Keys.getLong(original.get("meta", b("applied")), 0)).isEqualTo(42);
      assertThat(original.get("bodies", b("m1"))).isNull();
    }
  }

  @Test
  void storesCanShareResources() {
    try (StoreResources shared = StoreResources.create(16 << 20, 32 << 20)) {
      try (Store a = Stores.open(tmp.resolve("a"), OPTIONS.withResources(shared));
          Store c = Stores.open(tmp.resolve("c"), OPTIONS.withResources(shared))) {
        for (Store s : List.of(a, c)) {
          try (StoreBatch batch = s.newBatch()) {
            batch.put("meta", b("k"), s.directory().toString().getBytes(StandardCharsets.UTF_8));
            s.write(batch);
          }
        }
        assertThat(new String(a.get("meta", b("k")), StandardCharsets.UTF_8)).endsWith("a");
        assertThat(new String(c.get("meta", b("k")), StandardCharsets.UTF_8)).endsWith("c");
      }
    }
  }

  @Test
  void closingTheStoreClosesItsIteratorsAndRejectsFurtherUse() {
    Store store = Stores.open(tmp.resolve("db"), OPTIONS);
    try (StoreBatch batch = store.newBatch()) {
      batch.put("meta", b("k"), b("v"));
      store.write(batch);
    }
    StoreIterator forgotten = store.iterate("meta", KeyRange.all());
    store.close();
    store.close();
    assertThatThrownBy(forgotten::hasNext)
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.CLOSED));
    assertThatThrownBy(() -> store.get("meta", b("k")))
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.CLOSED));
  }
}
