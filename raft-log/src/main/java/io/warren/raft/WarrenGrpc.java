package io.warren.raft;

import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.grpc.RaftClientProtocolServiceGrpc;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.thirdparty.com.google.common.util.concurrent.MoreExecutors;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;

/**
 * Ratis' gRPC transport with two changes, plugged in as a user-defined {@link RpcType}: Ratis
 * instantiates it by class name from {@code raft.rpc.type}, hence the public no-argument
 * constructor.
 *
 * <p><b>Followers hear of a commit at once.</b> A follower applies an entry only once it knows
 * the entry is committed, and Warren's deliveries and confirms on a follower's node wait for that
 * apply. Ratis 3.3's gRPC appender wakes on every commit and sees that the follower's commit index
 * is behind, but when there is no new entry to send it sends nothing
 * (LogAppenderBase.newAppendEntriesRequest returns null), so the follower learns of the commit
 * with the next entry or the next heartbeat, up to half an election timeout later. Ratis' own
 * remedy is a commit-index metadata entry after each commit: a whole log entry (written, fsync'd,
 * replicated, applied on every node) per commit. An empty AppendEntries (a heartbeat, which
 * carries the leader's commit index) costs one round trip and no disk, so {@link Appender} sends
 * that instead, once per commit index and only when no entries are in flight to the follower
 * (those carry the commit index themselves).
 *
 * <p><b>Appends and client requests are handled on the gRPC event loop.</b> By default gRPC hands
 * every incoming message from the Netty event loop to a thread of a cached pool. Ratis' handlers
 * for appends and client requests run the work on a pool of the group's own and wait only until it
 * is queued (an append to a full log queue waits longer), so on this hot path gRPC's handoff buys
 * nothing and costs a context switch per message on a machine with few cores. Measured with every
 * call there (44e9606): about a third more throughput with one producer on three nodes
 * (docs/benchmarks.md). Now only those calls run there ({@link #ON_EVENT_LOOP}): the others may
 * wait on other Raft work. A vote request persists the vote and then waits until the voter's own
 * election has stopped, which waits for its vote requests to other nodes, whose servers may be
 * waiting the same way: on the server's few event-loop threads, votes of groups electing at once
 * could block each other across nodes until their RPCs time out, and every group's appends on
 * those threads with them, which makes more elections (suspected in a cluster start that hung past
 * two minutes). Snapshot installs write chunks to disk. Those keep gRPC's pool.
 */
public final class WarrenGrpc implements RpcType {
  @Override
  public String name() {
    return WarrenGrpc.class.getName();
  }

  @Override
  public GrpcFactory newFactory(Parameters parameters) {
    if (parameters != null) {
      GrpcConfigKeys.Server.setServicesCustomizer(
          parameters, (builder, types) -> builder.callExecutor(WarrenGrpc::executorFor));
    }
    return new Factory(parameters);
  }

  /** The calls whose messages are handled on the event loop that read them. */
  private static final Set<String> ON_EVENT_LOOP = Set.of(
      RaftServerProtocolServiceGrpc.getAppendEntriesMethod().getFullMethodName(),
      RaftClientProtocolServiceGrpc.getOrderedMethod().getFullMethodName(),
      RaftClientProtocolServiceGrpc.getUnorderedMethod().getFullMethodName());

  /** The event loop itself for {@link #ON_EVENT_LOOP}; null (gRPC's pool) for every other call. */
  private static Executor executorFor(ServerCall<?, ?> call, Metadata headers) {
    return ON_EVENT_LOOP.contains(call.getMethodDescriptor().getFullMethodName())
        ? MoreExecutors.directExecutor()
        : null;
  }

  private static final class Factory extends GrpcFactory {
    Factory(Parameters parameters) {
      super(parameters);
    }

    @Override
    public LogAppender newLogAppender(
        RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      return new Appender(server, state, follower);
    }
  }

  /** Pushes a new commit index to its follower when it has no entries to send. */
  private static final class Appender extends GrpcLogAppender {
    /** The highest commit index already pushed alone: one push per commit, not one per wake-up. */
    private long pushedCommit = -1;

    Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      super(server, state, follower);
    }

    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
        throws RaftLogIOException {
      AppendEntriesRequestProto request = super.newAppendEntriesRequest(callId, heartbeat);
      // With entries in flight, Ratis' heartbeat names no previous entry, so it carries no usable
      // commit index (withVerifiedCommit makes it -1); the entries' replies wake this appender.
      if (request != null || heartbeat || hasPendingDataRequests()) {
        return request == null ? null : withVerifiedCommit(request);
      }
      // A follower that stopped answering (down, cut off) gets the regular heartbeats only, not
      // one per commit, each of which would time out.
      long silentMs = getFollower().getLastRpcResponseTime().elapsedTimeMs();
      if (silentMs > getServer().properties().minRpcTimeoutMs()) {
        return null;
      }
      long commit = getRaftLog().getLastCommittedIndex();
      if (commit <= Math.max(getFollower().getCommitIndex(), pushedCommit)) {
        return null;
      }
      pushedCommit = commit;
      return withVerifiedCommit(super.newAppendEntriesRequest(callId, true));
    }
  }

  /**
   * The request, with its commit index capped at the last entry the follower will have verified
   * against the leader's log once it accepts the request.
   *
   * <p>Why: Ratis 3.3 computes the commit index it sends as min(commit, previous + entries), and
   * takes "previous" as index 0 when the request names none: a follower thought empty, or any
   * heartbeat sent while entries are in flight to it. Such a heartbeat says "commit up to 0"
   * without the follower having checked its entry 0 (and it travels on its own stream, so it can
   * overtake the entries that would have replaced that entry). A fresh cluster's first elections
   * can leave a node with an entry 0 of a term that lost (it won an election and appended its
   * first entry, but another node won the next term before anyone took it). That node, told to
   * commit 0, commits its own divergent entry 0; from then on it rejects the leader's entries
   * from 0 (below its commit) and those from 1 (their previous, the leader's entry 0, is not in
   * its log), forever: the replica applies nothing more, and the node's start waits on it (seen
   * in CI: a node that never served). The follower computes the same formula, so the leader's
   * number must be right: with no previous entry, the last verified index is entries - 1.
   */
  static AppendEntriesRequestProto withVerifiedCommit(AppendEntriesRequestProto request) {
    if (request.hasPreviousLog()) {
      return request;
    }
    long verified = request.getEntriesCount() - 1L;
    return request.getLeaderCommit() > verified
        ? request.toBuilder().setLeaderCommit(verified).build()
        : request;
  }
}
