package io.warren.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots are RocksDB checkpoints; the log is purged behind them; a wiped follower gets one. */
class SnapshotTest {
  private static final GroupSpec GROUP = new GroupSpec("q-part-0", List.of("n1", "n2", "n3"), "n1");
  private static final long SEGMENT = 32 << 10;

  @TempDir Path tmp;

  @Test
  void logStaysBoundedAndAWipedFollowerRejoinsThroughASnapshot() throws IOException {
    RaftSettings settings =
        TestCluster.testSettings()
            .maxCommandBytes(16 << 10)
            .segmentSizeBytes(SEGMENT)
            .preallocatedBytes(16 << 10)
            .snapshotThreshold(100)
            .purge(50, 0)
            .build();
    String payload = "x".repeat(500);
    try (TestCluster cluster = new TestCluster(tmp, 3, settings)) {
      cluster.startAll();
      cluster.ensureGroup(GROUP);
      cluster.awaitLeader(GROUP.name());

      submit(cluster, "n1", "a", 1500, payload);
      String uuid = GROUP.groupId().toString();
      for (String id : cluster.ids()) {
        Path groupDir = cluster.dataDir(id).resolve("ratis").resolve(uuid);
        await()
            .atMost(TestCluster.WAIT)
            .untilAsserted(
                () -> {
                  assertThat(cluster.node(id).status(GROUP.name()).orElseThrow().snapshotIndex())
                      .isGreaterThan(1000);
                  // ~800 KB went through the log; purged down to a few segments.
                  assertThat(size(groupDir.resolve("current"))).isLessThan(8 * SEGMENT);
                });
        try (Stream<Path> snapshots = Files.list(groupDir.resolve("sm"))) {
          assertThat(snapshots.filter(p -> p.getFileName().toString().startsWith("ckpt-")))
              .hasSizeBetween(1, 2);
        }
        // The live store lives outside sm/, which an install replaces.
        assertThat(cluster.dataDir(id).resolve("groups").resolve(uuid).resolve("db")).isDirectory();
      }

      // n3 loses its disk while the others go on (and purge further).
      cluster.stop("n3");
      cluster.wipe("n3");
      submit(cluster, "n1", "b", 300, payload);
      cluster.start("n3").ensureGroup(GROUP).join();
      List<String> expected = cluster.machine("n1", GROUP.name()).commands();
      assertThat(expected).hasSize(1800);
      CounterMachine rebuilt = cluster.machine("n3", GROUP.name());
      // It got most of the state from a snapshot (restored, not replayed entry by entry). The
      // commands can be seen before restore() has counted itself: both are awaited together.
      await()
          .atMost(TestCluster.WAIT)
          .untilAsserted(() -> {
            assertThat(rebuilt.commands()).isEqualTo(expected);
            assertThat(rebuilt.restores.get()).isGreaterThanOrEqualTo(2);
          });
      assertThat(rebuilt.countAtLastRestore).isGreaterThan(1000);
      assertThat(rebuilt.applyCalls.get()).isLessThan(800);
      assertThat(rebuilt.violation).isNull();
      // Metrics see the install on n3 only, and every replica's log and store.
      assertThat(figures(cluster, "n3").snapshotInstalls()).isPositive();
      for (String id : List.of("n1", "n2")) {
        GroupFigures f = figures(cluster, id);
        assertThat(f.snapshotInstalls()).isZero();
        assertThat(f.leaderChanges()).isPositive();
        assertThat(f.logBytes()).isPositive();
        assertThat(f.store()).hasValueSatisfying(store -> assertThat(store.sstBytes()).isPositive());
        assertThat(f.status().appliedIndex()).isGreaterThan(1000);
      }

      // After the install it is a normal replica: it applies new entries and can restart.
      submit(cluster, "n2", "c", 50, payload);
      await().atMost(TestCluster.WAIT).until(() -> rebuilt.count() == 1850);
      cluster.stop("n3");
      cluster.start("n3").ensureGroup(GROUP).join();
      CounterMachine restarted = cluster.machine("n3", GROUP.name());
      await()
          .atMost(TestCluster.WAIT)
          .untilAsserted(() -> assertThat(restarted.count()).isEqualTo(1850));
      // Everything was already in its store: replay from the snapshot skipped it all.
      assertThat(restarted.applyCalls.get()).isZero();
      assertThat(restarted.commands())
          .isEqualTo(cluster.machine("n1", GROUP.name()).commands());
    }
  }

  private static GroupFigures figures(TestCluster cluster, String id) {
    return cluster.node(id).figures().stream()
        .filter(f -> f.group().equals(GROUP.name()))
        .findFirst()
        .orElseThrow();
  }

  private static void submit(TestCluster cluster, String via, String prefix, int n, String payload) {
    List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] command = (prefix + i + payload).getBytes(StandardCharsets.UTF_8);
      futures.add(cluster.node(via).submit(GROUP.name(), command));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .orTimeout(TestCluster.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
        .join();
  }

  private static long size(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
