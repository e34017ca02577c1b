package io.warren.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower cut off by a path that drops packets: the leader's connection to it stays open and
 * carries nothing, even after the path is back, as after a network partition until TCP gives up.
 */
class DeadConnectionTest {
  @TempDir Path tmp;

  @Test
  void aFollowerBehindADeadConnectionCatchesUpOnceThePathIsBack() {
    GroupSpec group = new GroupSpec("q-part-3", List.of("n1", "n2", "n3"), "n1");
    try (TestCluster cluster = new TestCluster(tmp, 3, TestCluster.testSettings().build())) {
      int port = cluster.reachThrough("n3", "127.0.0.3");
      try (BlackholeRelay relay =
          new BlackholeRelay("127.0.0.3", port, new InetSocketAddress("127.0.0.1", port))) {
        cluster.startAll();
        cluster.ensureGroup(group);
        await().atMost(TestCluster.WAIT).until(() -> cluster.leader(group.name()).equals(Optional.of("n1")));
        cluster.node("n1").submit(group.name(), "before".getBytes()).join();
        await().atMost(TestCluster.WAIT).until(() -> cluster.machine("n3", group.name()).count() == 1);

        // Cut off: n1 and n2 go on committing, n1's sends to n3 pile up in a connection that
        // will never carry them.
        relay.partition();
        byte[] payload = new byte[32 << 10];
        List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          Arrays.fill(payload, (byte) ('a' + i % 26));
          futures.add(cluster.node("n1").submit(group.name(), payload.clone()));
        }
        futures.forEach(CompletableFuture::join);
        assertThat(cluster.machine("n3", group.name()).count()).as("n3 applied while cut off").isEqualTo(1);

        relay.heal();
        await().atMost(TestCluster.WAIT).untilAsserted(() ->
            assertThat(cluster.machine("n3", group.name()).count()).as("n3 caught up").isEqualTo(201));
        assertThat(cluster.machine("n3", group.name()).commands())
            .isEqualTo(cluster.machine("n1", group.name()).commands());
      }
    }
  }
}
