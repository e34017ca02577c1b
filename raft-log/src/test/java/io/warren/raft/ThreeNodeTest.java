package io.warren.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes on loopback: replication, forwarding, failover and catch-up. */
class ThreeNodeTest {
  @TempDir Path tmp;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void replicasApplyTheSameEntriesInTheSameOrderThroughALeaderFailure() {
    GroupSpec group = new GroupSpec("meta", List.of("n1", "n2", "n3"), "n2");
    try (TestCluster cluster = new TestCluster(tmp, 3, TestCluster.testSettings().build())) {
      cluster.startAll();
      List<String> leaderEvents = new CopyOnWriteArrayList<>();
      cluster
          .node("n1")
          .addLeaderListener(
              (g, leader, local) -> leaderEvents.add(g + "=" + leader.orElse("none") + "/" + local));
      cluster.ensureGroup(group);
      String leader = cluster.awaitLeader(group.name());
      String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();

      // Submitted on a follower's node: forwarded to the leader, and applied locally on completion.
      List<String> expected = new ArrayList<>();
      List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        expected.add("a" + i);
        futures.add(cluster.node(follower).submit(group.name(), b("a" + i)));
      }
      futures.forEach(CompletableFuture::join);
      assertThat(cluster.machine(follower, group.name()).commands()).isEqualTo(expected);
      await().atMost(TestCluster.WAIT).untilAsserted(() -> assertSameEverywhere(cluster, List.of("n1", "n2", "n3"), group, expected));
      await().atMost(TestCluster.WAIT).until(() -> leaderEvents.stream().anyMatch(e -> e.startsWith("meta=n")));

      // The leader's node goes away while a follower's node has commands in flight: a new leader
      // takes over, and those commands are committed once each, in submission order.
      List<String> survivors = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
      String submitter = survivors.get(0);
      futures.clear();
      List<String> bs = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        bs.add("b" + i);
        futures.add(cluster.node(submitter).submit(group.name(), b("b" + i)));
      }
      cluster.stop(leader);
      String newLeader = cluster.awaitLeader(group.name());
      assertThat(newLeader).isNotEqualTo(leader);
      futures.forEach(CompletableFuture::join);
      expected.addAll(bs);
      // Then submits continue from both survivors.
      futures.clear();
      for (int i = 0; i < 50; i++) {
        futures.add(cluster.node(survivors.get(i % 2)).submit(group.name(), b("c" + i)));
      }
      futures.forEach(CompletableFuture::join);
      await().atMost(TestCluster.WAIT).untilAsserted(() -> {
        List<String> seen = cluster.machine(survivors.get(0), group.name()).commands();
        assertThat(seen).hasSize(450);
        assertThat(seen.subList(0, 400)).isEqualTo(expected);
      });
      List<String> order = cluster.machine(survivors.get(0), group.name()).commands();
      await().atMost(TestCluster.WAIT).untilAsserted(() -> assertSameEverywhere(cluster, survivors, group, order));

      // The old leader comes back and catches up from the log.
      cluster.start(leader);
      cluster.node(leader).ensureGroup(group).join();
      cluster.node(leader).submit(group.name(), b("d")).join();
      List<String> all = new ArrayList<>(order);
      all.add("d");
      await().atMost(TestCluster.WAIT).untilAsserted(() -> assertSameEverywhere(cluster, List.of("n1", "n2", "n3"), group, all));
      for (String id : List.of("n1", "n2", "n3")) {
        assertThat(cluster.machine(id, group.name()).violation).isNull();
        assertThat(cluster.machine(id, group.name()).entries())
            .extracting(CounterMachine.Entry::index)
            .isSorted()
            .doesNotHaveDuplicates();
      }
      GroupStatus status = cluster.node(cluster.awaitLeader(group.name())).status(group.name()).orElseThrow();
      assertThat(status.followerLastContactMillis()).hasSize(2);
    }
  }

  @Test
  void followersLearnOfACommitWithoutAnotherEntryOrAHeartbeat() {
    // Heartbeats every five minutes and no commit-index entries in the log: within the wait
    // below, a follower can only learn that the entry is committed from the leader telling it.
    RaftSettings settings =
        TestCluster.testSettings()
            .electionTimeout(Duration.ofMinutes(10), Duration.ofMinutes(11))
            .build();
    GroupSpec group = new GroupSpec("q-part-0", List.of("n1", "n2", "n3"), "n1");
    try (TestCluster cluster = new TestCluster(tmp, 3, settings)) {
      cluster.startAll();
      cluster.ensureGroup(group);
      String leader = cluster.awaitLeader(group.name());
      for (String command : List.of("first", "second")) {
        cluster.node(leader).submit(group.name(), b(command)).join();
      }
      await()
          .atMost(TestCluster.WAIT)
          .untilAsserted(
              () -> assertSameEverywhere(cluster, cluster.ids(), group, List.of("first", "second")));
    }
  }

  @Test
  void aNodeOutsideTheGroupSubmitsThroughTheMembers() {
    GroupSpec group = new GroupSpec("q-part-1", List.of("n1", "n2"));
    try (TestCluster cluster = new TestCluster(tmp, 3, TestCluster.testSettings().build())) {
      cluster.startAll();
      cluster.ensureGroup(group);
      cluster.awaitLeader(group.name());
      SubmitResult r = cluster.node("n3").submit(group.name(), b("from-outside")).join();
      assertThat(r.index()).isPositive();
      assertThat(cluster.node("n3").status(group.name())).isEmpty();
      assertThat(cluster.node("n3").leader(group.name())).isEqualTo(Optional.empty());
      await().atMost(TestCluster.WAIT).untilAsserted(() -> assertSameEverywhere(cluster, List.of("n1", "n2"), group, List.of("from-outside")));
    }
  }

  @Test
  void commandsInFlightSurviveTheLeaderMovingBackAndForth() {
    // Each node keeps commands and barriers in flight while leadership is handed from node to
    // node and round again: a leader that steps down with local submits pending must not stall
    // its node's submitter (the futures below would time out), and each hand-over must happen
    // (the third one, back to n1, did not while preferLeader read stale priorities).
    GroupSpec group = new GroupSpec("q-part-2", List.of("n1", "n2", "n3"), "n1");
    try (TestCluster cluster = new TestCluster(tmp, 3, TestCluster.testSettings().build())) {
      cluster.startAll();
      cluster.ensureGroup(group);
      cluster.awaitLeader(group.name());
      List<CompletableFuture<?>> futures = new ArrayList<>();
      Map<String, List<String>> sentBy = new HashMap<>();
      for (int round = 0; round < 9; round++) {
        for (String id : cluster.ids()) {
          for (int i = 0; i < 40; i++) {
            String command = id + "-" + round + "-" + i;
            sentBy.computeIfAbsent(id, k -> new ArrayList<>()).add(command);
            futures.add(cluster.node(id).submit(group.name(), b(command)));
          }
          futures.add(cluster.node(id).barrier(group.name()));
        }
        String next = cluster.ids().get((round + 1) % 3);
        cluster.node(next).preferLeader(group.name(), next).join();
        await().atMost(TestCluster.WAIT).until(() -> cluster.leader(group.name()).equals(Optional.of(next)));
      }
      futures.forEach(CompletableFuture::join);

      List<String> applied = cluster.machine("n1", group.name()).commands();
      for (String id : cluster.ids()) {
        assertThat(applied.stream().filter(c -> c.startsWith(id + "-")).toList())
            .as("commands of %s, once each and in submission order", id)
            .isEqualTo(sentBy.get(id));
      }
      await().atMost(TestCluster.WAIT).untilAsserted(() -> assertSameEverywhere(cluster, cluster.ids(), group, applied));
    }
  }

  private static void assertSameEverywhere(
      TestCluster cluster, List<String> ids, GroupSpec group, List<String> expected) {
    for (String id : ids) {
      assertThat(cluster.machine(id, group.name()).commands()).as(id).isEqualTo(expected);
    }
  }
}
