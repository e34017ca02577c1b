package io.warren.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three fresh nodes start as a Warren cluster does: each creates every group (preferred leaders
 * rotating over the nodes) and then waits, group by group, for a barrier, while elections are
 * contested. Every node must get through every group.
 */
class StartRaceTest {
  @TempDir Path tmp;

  private static final int GROUPS = 7;
  private static final int ROUNDS = Integer.getInteger("warren.test.start-rounds", 3);

  @Test
  void everyNodeCatchesUpWithEveryGroupOfAFreshCluster() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      startOnce(tmp.resolve("round" + round), round);
    }
  }

  private void startOnce(Path root, int round) throws Exception {
    RaftSettings settings = TestCluster.testSettings()
        .electionTimeout(Duration.ofMillis(300), Duration.ofMillis(600))
        .firstElectionTimeout(Duration.ofMillis(50), Duration.ofMillis(100))
        .build();
    // One thread per node, as each node starts in its own process.
    ExecutorService nodes = Executors.newFixedThreadPool(3);
    try (TestCluster cluster = new TestCluster(root, 3, settings)) {
      List<String> ids = cluster.ids();
      Map<String, String> stuck = new ConcurrentHashMap<>();
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        // Staggered like nodes started by hand or by an orchestrator: up to 1.5 s apart.
        long delay = (long) (Math.random() * 1500);
        starts.add(CompletableFuture.runAsync(() -> {
          try {
            RaftNode node = cluster.start(id);
            for (int g = 0; g < GROUPS; g++) {
              node.ensureGroup(new GroupSpec("g" + g, ids, ids.get(g % ids.size()))).join();
            }
            for (int g = 0; g < GROUPS; g++) {
              String group = "g" + g;
              try {
                node.barrier(group).get(40, TimeUnit.SECONDS);
              } catch (ExecutionException | TimeoutException e) {
                stuck.put(id + "/" + group, e + " " + node.describe(group));
                return;
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, nodes)));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
      assertThat(stuck).as("round " + round).isEmpty();
    } finally {
      nodes.shutdownNow();
    }
  }
}
