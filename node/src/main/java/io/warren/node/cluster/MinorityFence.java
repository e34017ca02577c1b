package io.warren.node.cluster;

import io.warren.raft.GroupStatus;
import io.warren.raft.RaftNode;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's pause-minority, for clients: a node that has been out of touch with a majority of the
 * cluster for half the node-down window closes its clients' connections (320 CONNECTION_FORCED)
 * and refuses new ones until it is in touch again. "In touch" is read from the metadata group: a
 * follower that hears from its leader, or a leader that hears from a majority; it serves again
 * once in touch and caught up with the metadata.
 *
 * <p>Why: the majority declares a silent node down only after the whole window and hands what
 * that node's consumers held to others. A cut-off node that kept its clients would, once the
 * partition heals, catch up on the entries it missed and push the deliveries they assigned to its
 * consumers before it applies its own {@code NodeDown}: messages the majority had meanwhile
 * redelivered elsewhere. Fenced at half the window, its clients have moved on by then.
 */
public final class MinorityFence implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MinorityFence.class);
  private static final long CHECK_MILLIS = 250;

  /** What the fence closes and opens: the node's AMQP listener. */
  public interface Gate {
    void fence(String reason);

    void unfence();
  }

  private final RaftNode raft;
  private final String metaGroup;
  private final long windowMillis;
  private final Gate gate;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "warren-minority-fence");
    t.setDaemon(true);
    return t;
  });
  private long lastInTouch = System.nanoTime();
  private boolean fenced;
  private boolean catchingUp;

  /**
   * @param nodeDownAfter the cluster's node-down window; the fence closes at half of it
   */
  public MinorityFence(RaftNode raft, String metaGroup, Duration nodeDownAfter, Gate gate) {
    this.raft = raft;
    this.metaGroup = metaGroup;
    this.windowMillis = Math.max(1, nodeDownAfter.toMillis() / 2);
    this.gate = gate;
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void check() {
    try {
      long now = System.nanoTime();
      GroupStatus status = raft.status(metaGroup).orElse(null);
      if (inTouch(status)) {
        lastInTouch = now;
        if (fenced && !catchingUp) {
          catchUpThenServe();
        }
      } else if (!fenced && TimeUnit.NANOSECONDS.toMillis(now - lastInTouch) >= windowMillis) {
        fenced = true;
        log.warn("Out of touch with a majority of the cluster for {} ms: closing client connections until it is back",
            windowMillis);
        gate.fence("this node lost contact with the majority of the cluster; reconnect to another node");
      }
    } catch (RuntimeException e) {
      log.error("Bug: the minority fence check failed", e);
    }
  }

  /**
   * Serves again only once caught up: the metadata the node missed may hold its own NodeDown,
   * which closes every connection of this node that exists when it is applied. A barrier through
   * the metadata group completes once this replica applied everything committed before it.
   */
  private void catchUpThenServe() {
    catchingUp = true;
    raft.barrier(metaGroup).whenComplete((index, failure) -> timer.execute(() -> {
      catchingUp = false;
      if (failure == null && fenced) {
        fenced = false;
        gate.unfence();
        log.info("Back in touch with a majority of the cluster and caught up: serving clients again");
      }
    }));
  }

  private boolean inTouch(GroupStatus status) {
    if (status == null) {
      return false;
    }
    return switch (status.role()) {
      case FOLLOWER -> status.leader().isPresent() && status.leaderLastContactMillis() >= 0
          && status.leaderLastContactMillis() < windowMillis;
      case LEADER -> 1 + status.followerLastContactMillis().values().stream().filter(ms -> ms < windowMillis).count()
          > raft.members(metaGroup).size() / 2; // the members now: they change when nodes are added or removed
      default -> false;
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
