package io.warren.raft;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconnects to a follower that has answered none of this leader's appends for a while.
 *
 * <p>Why: Ratis' gRPC appender waits, before each send, until the stream to the follower is ready
 * (GrpcLogAppender.StreamObservers#onNext). When the network drops packets to the follower (a
 * partition, a container moved to another network), gRPC's buffer for that connection fills,
 * the stream is never ready again, and the appender's one thread spins in that wait: it sends
 * nothing more, not even heartbeats, and so logs no more timeouts. The server-to-server channels
 * have no keepalive and the connection is not closed by anyone, so TCP gives up only after its
 * retransmissions time out (about a quarter of an hour on Linux). Until then the follower
 * receives nothing of that group although it is reachable again: it applies nothing, and
 * confirms and deliveries that wait on its node's apply wait too. Closing the connection fails
 * the stream, which resets the appender onto a new connection.
 *
 * <p>One connection serves every group to a peer, so one silent group resets it for all; a reset
 * of a connection that was only slow costs a resend from the follower's last match.
 */
final class SilentFollowers {
  private static final Logger LOG = LoggerFactory.getLogger(SilentFollowers.class);

  private final long thresholdMillis;
  private final Executor blocking;
  /** Silent peers and when their connection was last reset (nanoTime). */
  private final Map<RaftPeerId, Long> resetAt = new HashMap<>();

  /**
   * @param threshold silence after which a follower's connection is reset, and again as long as
   *     it stays silent
   * @param blocking where the reset runs (it waits for the old channel to close)
   */
  SilentFollowers(Duration threshold, Executor blocking) {
    this.thresholdMillis = threshold.toMillis();
    this.blocking = blocking;
  }

  /** Looks at every group this node leads; call from one thread, periodically. */
  void check(RaftServer server) {
    Set<RaftPeerId> silent = new HashSet<>();
    for (RaftGroupId gid : server.getGroupIds()) {
      try {
        var info = server.getDivision(gid).getInfo();
        if (info.isLeader()) {
          info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList().stream()
              .filter(f -> f.getLastRpcElapsedTimeMs() > thresholdMillis)
              .forEach(f -> silent.add(RaftPeerId.valueOf(f.getId().getId())));
        }
      } catch (IOException | RuntimeException e) {
        // A group being added or removed: the next check sees it.
      }
    }
    resetAt.keySet().retainAll(silent);
    long now = System.nanoTime();
    for (RaftPeerId peer : silent) {
      Long last = resetAt.get(peer);
      if (last != null && TimeUnit.NANOSECONDS.toMillis(now - last) < thresholdMillis) {
        continue;
      }
      if (last == null) {
        LOG.warn("Follower {} has not answered for over {} ms; reconnecting to it (again every {} ms"
            + " while it stays silent)", peer, thresholdMillis, thresholdMillis);
      }
      resetAt.put(peer, now);
      blocking.execute(() -> server.getServerRpc().handleException(
          peer, new IOException("no answer for over " + thresholdMillis + " ms"), true));
    }
  }
}
