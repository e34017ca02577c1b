package io.warren.node.cluster;

import io.warren.model.Command;
import io.warren.model.Reply;
import io.warren.model.Result;
import io.warren.raft.GroupStatus;
import io.warren.raft.RaftNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares unreachable nodes down, so that what their consumers held goes back to the queues for
 * the consumers on the nodes that are left.
 *
 * <p>Only the leader of the metadata group decides, from Raft's own view of its followers (the
 * time since each last answered), so one node decides at a time and no extra heartbeat traffic is
 * needed. A node silent for longer than {@code downAfter} gets one {@link Command.NodeDown}
 * through every partition; once it answers again it may be declared down again later. The
 * decision goes through the logs, so every replica applies it at the same point.
 *
 * <p>The silence must also have been watched, not only reported: a leader that was itself frozen
 * (a long GC, SIGSTOP, a starved VM) wakes up to find every follower "silent" since before the
 * freeze, and would declare the healthy nodes down before it notices it lost its leadership. So a
 * check that comes late starts the watch afresh, and a node is declared down only after this
 * detector, running on time, has seen it silent for half of {@code downAfter}.
 */
public final class NodeFailureDetector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeFailureDetector.class);
  private static final long CHECK_EVERY_MILLIS = 500;

  private final RaftNode raft;
  private final String metaGroup;
  private final Function<String, Optional<Integer>> nodeIndex;
  private final long downAfterMillis;
  private final Function<Command, CompletableFuture<Result>> submit;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warren-failure-detector");
        t.setDaemon(true);
        return t;
      });
  /** Followers declared down in this silence; touched on the timer thread only. */
  private final Set<String> declared = new HashSet<>();
  /** When this detector first saw each follower silent for half of downAfter (nanoTime). */
  private final Map<String, Long> silentSince = new HashMap<>();
  private long lastCheckNanos = System.nanoTime();

  /**
   * @param nodeIndex a member's node index (its {@link Command.NodeDown#node}), from the cluster's registry
   * @param submit how commands reach the node's command log
   */
  public NodeFailureDetector(RaftNode raft, String metaGroup, Function<String, Optional<Integer>> nodeIndex,
      Duration downAfter,
      Function<Command, CompletableFuture<Result>> submit) {
    this.raft = raft;
    this.metaGroup = metaGroup;
    this.nodeIndex = nodeIndex;
    this.downAfterMillis = downAfter.toMillis();
    this.submit = submit;
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::check, CHECK_EVERY_MILLIS, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void check() {
    try {
      long now = System.nanoTime();
      boolean late = now - lastCheckNanos > TimeUnit.MILLISECONDS.toNanos(downAfterMillis / 2);
      lastCheckNanos = now;
      GroupStatus status = raft.status(metaGroup).orElse(null);
      if (late || status == null || status.role() != GroupStatus.Role.LEADER) {
        // The next leader, or this one once it runs on time again, judges afresh; a repeated
        // NodeDown changes nothing.
        declared.clear();
        silentSince.clear();
        return;
      }
      for (Map.Entry<String, Long> f : status.followerLastContactMillis().entrySet()) {
        String node = f.getKey();
        long silentMillis = f.getValue();
        if (silentMillis <= downAfterMillis / 2) {
          silentSince.remove(node);
          if (declared.remove(node)) {
            log.info("Node {} answers again", node);
          }
          continue;
        }
        long watchedMillis = TimeUnit.NANOSECONDS.toMillis(now - silentSince.computeIfAbsent(node, n -> now));
        if (silentMillis > downAfterMillis && watchedMillis >= downAfterMillis / 2 && declared.add(node)) {
          declareDown(node, silentMillis);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Failure detection check failed", e);
    }
  }

  private void declareDown(String node, long silentMillis) {
    Optional<Integer> index = nodeIndex.apply(node);
    if (index.isEmpty()) {
      return; // joining, or removed: not ours to declare
    }
    int position = index.get();
    log.warn("Node {} has not answered for {} ms: declaring it down; what its consumers held returns to the queues",
        node, silentMillis);
    submit.apply(new Command.NodeDown(position)).whenComplete((r, e) -> {
      if (e != null || r.reply() instanceof Reply.Failure) {
        log.warn("Could not declare node {} down (will retry): {}", node, e != null ? e.toString() : r.reply());
        timer.execute(() -> declared.remove(node));
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
