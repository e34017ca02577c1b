package io.warren.raft;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's side of a replica that applies nothing: warns of a follower whose match index has
 * not moved for a whole check period although it was behind the leader's commit index at the
 * start of it. A live follower catches up within milliseconds; one that stays put receives nothing
 * it can append (a stuck stream, a log it keeps rejecting), and every confirm and delivery waiting
 * on its node's apply waits with it. {@link SilentFollowers} handles followers that answer nothing;
 * this one reports those that answer but do not progress. Diagnostics only.
 */
final class LaggingFollowers {
  private static final Logger LOG = LoggerFactory.getLogger(LaggingFollowers.class);

  /** Match index and leader commit index at the previous check, per group and follower. */
  private record Seen(long match, long commit) {}

  private final Map<String, Seen> previous = new HashMap<>();
  private final long answeringMillis;

  /**
   * @param answering a follower whose last answer is more recent than this counts as answering;
   *     only those are reported (a down follower lags by design and is left to the failure detector)
   */
  LaggingFollowers(Duration answering) {
    this.answeringMillis = answering.toMillis();
  }

  /** Checks the followers of {@code group}, which this node leads; call once per period. */
  void check(String group, RaftServer.Division leader) {
    long[] matches = leader.getInfo().getFollowerMatchIndices();
    List<ServerRpcProto> followers =
        leader.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
    if (matches.length != followers.size()) {
      return; // the configuration changed between the two reads: next time
    }
    long commit = leader.getRaftLog().getLastCommittedIndex();
    for (int i = 0; i < matches.length; i++) {
      ServerRpcProto follower = followers.get(i);
      String key = group + "/" + follower.getId().getId().toStringUtf8();
      Seen before = previous.put(key, new Seen(matches[i], commit));
      if (before != null && matches[i] == before.match() && before.match() < before.commit()
          && follower.getLastRpcElapsedTimeMs() < answeringMillis) {
        LOG.warn(
            "Group {}: follower {} has stayed at index {} since the last check although the commit"
                + " index was {} then ({} now); its last answer came {} ms ago",
            group,
            follower.getId().getId().toStringUtf8(),
            matches[i],
            before.commit(),
            commit,
            follower.getLastRpcElapsedTimeMs());
      }
    }
  }

  /** Forgets what it saw of {@code group} (this node no longer leads it). */
  void forget(String group) {
    previous.keySet().removeIf(k -> k.startsWith(group + "/"));
  }
}
