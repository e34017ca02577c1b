package io.warren.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.warren.storage.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-node case: a cluster of one, same code path. */
class SingleNodeTest {
  private static final GroupSpec GROUP = new GroupSpec("partition-0", List.of("n1"));

  @TempDir Path tmp;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void submitsAreAppliedInOrderAndSurviveARestartWithoutBeingAppliedTwice() {
    try (TestCluster cluster = new TestCluster(tmp, 1, TestCluster.testSettings().build())) {
      RaftNode node = cluster.start("n1");
      node.ensureGroup(GROUP).join();
      node.ensureGroup(GROUP).join(); // idempotent
      cluster.awaitLeader(GROUP.name());

      List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        futures.add(node.submit(GROUP.name(), b("cmd-" + i)));
      }
      List<SubmitResult> results = futures.stream().map(CompletableFuture::join).toList();
      // Submitted in order from one node, so committed and numbered in that order.
      assertThat(results).extracting(r -> Keys.getLong(r.reply(), 0))
          .containsExactlyElementsOf(IntStream.rangeClosed(1, 200).mapToObj(i -> (long) i).toList());
      assertThat(results).extracting(SubmitResult::index).isSorted().doesNotHaveDuplicates();

      CounterMachine before = cluster.machine("n1", GROUP.name());
      // Completion means applied on this replica: the state is already there.
      assertThat(before.count()).isEqualTo(200);
      assertThat(before.commands())
          .containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(i -> "cmd-" + i).toList());
      assertThat(node.status(GROUP.name()).orElseThrow().role()).isEqualTo(GroupStatus.Role.LEADER);

      cluster.stop("n1");
      RaftNode again = cluster.start("n1");
      CounterMachine after = cluster.machine("n1", GROUP.name());
      assertThat(after).isNotSameAs(before);
      // The group was recovered from disk at start, before any ensureGroup.
      assertThat(again.groups()).contains(GROUP.name());
      assertThat(after.count()).isEqualTo(200);
      again.ensureGroup(GROUP).join();
      cluster.awaitLeader(GROUP.name());

      SubmitResult next = again.submit(GROUP.name(), b("after-restart")).join();
      assertThat(Keys.getLong(next.reply(), 0)).isEqualTo(201);
      // Replay skipped everything already in RocksDB: only the new command was applied.
      assertThat(after.applyCalls.get()).isEqualTo(1);
      assertThat(after.violation).isNull();
      assertThat(after.entries()).extracting(CounterMachine.Entry::index).doesNotHaveDuplicates();
      assertThat(after.commands()).hasSize(201).endsWith("after-restart");
    }
  }

  @Test
  void rejectedCommandsChangeNothingAndTheirReasonReachesTheSubmitter() {
    try (TestCluster cluster = new TestCluster(tmp, 1, TestCluster.testSettings().build())) {
      RaftNode node = cluster.start("n1");
      node.ensureGroup(GROUP).join();
      cluster.awaitLeader(GROUP.name());

      node.submit(GROUP.name(), b("first")).join();
      assertThatThrownBy(() -> node.submit(GROUP.name(), b("reject me")).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              ReplicationException.class,
              e -> assertThat(e.kind()).isEqualTo(ReplicationException.Kind.REJECTED))
          .hasMessageContaining("refused: reject me");
      SubmitResult second = node.submit(GROUP.name(), b("second")).join();
      assertThat(Keys.getLong(second.reply(), 0)).isEqualTo(2);
      assertThat(cluster.machine("n1", GROUP.name()).commands()).containsExactly("first", "second");
    }
  }

  @Test
  void badSubmitsFailFastWithAClearKind() {
    RaftSettings settings = TestCluster.testSettings().maxCommandBytes(4096).build();
    try (TestCluster cluster = new TestCluster(tmp, 1, settings)) {
      RaftNode node = cluster.start("n1");
      node.ensureGroup(GROUP).join();
      assertKind(node.submit("no-such-group", b("x")), ReplicationException.Kind.UNKNOWN_GROUP);
      assertKind(node.submit(GROUP.name(), new byte[4097]), ReplicationException.Kind.TOO_LARGE);
      cluster.stop("n1");
      assertKind(node.submit(GROUP.name(), b("x")), ReplicationException.Kind.CLOSED);
    }
  }

  @Test
  void aBarrierCompletesAfterEverythingBeforeItIsApplied() {
    try (TestCluster cluster = new TestCluster(tmp, 1, TestCluster.testSettings().build())) {
      RaftNode node = cluster.start("n1");
      node.ensureGroup(GROUP).join();
      cluster.awaitLeader(GROUP.name());
      List<CompletableFuture<SubmitResult>> writes = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        writes.add(node.submit(GROUP.name(), b("w" + i)));
      }
      long barrierIndex = node.barrier(GROUP.name()).join();
      assertThat(writes).allMatch(CompletableFuture::isDone);
      assertThat(barrierIndex).isGreaterThan(writes.get(49).join().index());
      await().until(() -> node.status(GROUP.name()).orElseThrow().appliedIndex() >= barrierIndex);
    }
  }

  private static void assertKind(CompletableFuture<?> f, ReplicationException.Kind kind) {
    assertThatThrownBy(f::join)
        .cause()
        .isInstanceOfSatisfying(ReplicationException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
