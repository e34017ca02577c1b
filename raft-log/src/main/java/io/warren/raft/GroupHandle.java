package io.warren.raft;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group as this node knows it: how commands reach its leader, who waits for local applies, and
 * the last leader seen.
 *
 * <p>Commands go in-process when this node is the ready leader, otherwise straight to the leader
 * this handle believes in, over the unordered gRPC client stream (one stream per peer, which the
 * server appends in arrival order). Every attempt of a command carries this node's client id and
 * the command's call id, so a new leader that already applied it answers from its retry cache. We
 * do not use Ratis's ordered async client: its internal retries can reorder commands.
 */
final class GroupHandle implements ReplicatedStateMachine.Events, GroupSubmitter.Transport {
  private static final Logger LOG = LoggerFactory.getLogger(GroupHandle.class);

  /** What the handle needs from its node. */
  interface Host {
    RaftServer server();

    RaftProperties properties();

    ClientId localClientId();

    /** The members Ratis recorded for a group hosted here (for groups recovered from disk). */
    Optional<RaftGroup> recordedGroup(RaftGroupId gid);

    void leaderChanged(String group, Optional<String> leader);

    void appliedWaitersDue(Iterable<CompletableFuture<Void>> due);
  }

  private final String name;
  private final RaftGroupId groupId;
  private final Host host;
  private final AppliedWaiters waiters = new AppliedWaiters();
  private final GroupSubmitter submitter;
  private volatile RaftGroup raftGroup;
  private volatile Optional<String> leader = Optional.empty();
  /** Where remote commands go. Only changed while nothing is in flight ({@link #resuming}). */
  private volatile RaftPeerId target;
  /** Where remote commands should go after the next resume (a failure or a leader change). */
  private volatile RaftPeerId nextTarget;
  /**
   * Peers whose client stream failed. Ratis closes a client stream for good on its first error
   * (even "not leader"), so the connection is reset before the next send to that peer; the
   * submitter sends nothing while failed commands are out, so no command is on the old stream.
   */
  private final Set<RaftPeerId> broken = ConcurrentHashMap.newKeySet();
  private RaftClient rpcHolder;
  private boolean closed;
  /** For metrics: leaders learnt of and snapshots installed, since this node started. */
  private final AtomicLong leaderChanges = new AtomicLong();
  private final AtomicLong snapshotInstalls = new AtomicLong();

  GroupHandle(String name, RaftGroupId groupId, Host host, GroupSubmitter.Factory submitters) {
    this.name = name;
    this.groupId = groupId;
    this.host = host;
    this.submitter = submitters.create(name, this);
  }

  String name() {
    return name;
  }

  RaftGroupId groupId() {
    return groupId;
  }

  AppliedWaiters waiters() {
    return waiters;
  }

  GroupSubmitter submitter() {
    return submitter;
  }

  Optional<String> lastLeader() {
    return leader;
  }

  /** Sets the group's members (from {@link RaftNode#ensureGroup}) and how to reach them. */
  synchronized void define(RaftGroup group) {
    this.raftGroup = group;
  }

  @Override
  public void applied(long index) {
    host.appliedWaitersDue(waiters.advance(index));
  }

  @Override
  public void snapshotInstalled() {
    snapshotInstalls.incrementAndGet();
  }

  long leaderChanges() {
    return leaderChanges.get();
  }

  long snapshotInstalls() {
    return snapshotInstalls.get();
  }

  @Override
  public void leaderChanged(Optional<String> newLeader) {
    if (newLeader.isPresent()) {
      leaderChanges.incrementAndGet(); // an election (or a transfer) gave the group a leader
    }
    leader = newLeader;
    newLeader.map(RaftPeerId::valueOf).ifPresent(id -> nextTarget = id);
    host.leaderChanged(name, newLeader);
  }

  @Override
  public GroupSubmitter.Route route() {
    try {
      var info = host.server().getDivision(groupId).getInfo();
      return info.isLeader() && info.isLeaderReady()
          ? GroupSubmitter.Route.LOCAL
          : GroupSubmitter.Route.REMOTE;
    } catch (IOException | RuntimeException e) {
      return GroupSubmitter.Route.REMOTE; // not hosted here, or not running
    }
  }

  @Override
  public CompletableFuture<GroupSubmitter.Outcome> send(
      GroupSubmitter.Route route, long callId, ByteString framed) {
    RaftServer server = host.server();
    if (route == GroupSubmitter.Route.LOCAL) {
      try {
        RaftClientRequest request = request(server.getId(), callId, framed);
        // The division appends in the calling thread (a submit-pool thread). The server's own
        // submitClientRequestAsync would hand the request to its client executor and block until
        // that ran: one more thread hop per entry for nothing.
        CompletableFuture<RaftClientReply> reply =
            server.getDivision(groupId) instanceof RaftClientAsynchronousProtocol division
                ? division.submitClientRequestAsync(request)
                : server.submitClientRequestAsync(request);
        // The submitter resends only what came back, so an attempt that is never answered would
        // stall the group's commands for good. A guard: no case of a local attempt left
        // unanswered is known (the start hang once suspected of it is unexplained). Like a
        // forwarded attempt, it gets the per-attempt timeout; the resend keeps its call id and
        // seq, so it is never applied twice. On a copy: orTimeout completes the future it is
        // called on, which is Ratis' own.
        return reply
            .copy()
            .orTimeout(
                RaftClientConfigKeys.Rpc.requestTimeout(host.properties()).toLong(TimeUnit.MILLISECONDS),
                TimeUnit.MILLISECONDS)
            .handle((r, e) -> outcome(server.getId(), r, e, false));
      } catch (IOException e) {
        return CompletableFuture.completedFuture(GroupSubmitter.Outcome.retryLater());
      }
    }
    RaftClientRpc rpc;
    RaftPeerId to;
    try {
      rpc = rpc();
      to = target();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (broken.remove(to)) {
      rpc.handleException(to, new IOException("reconnect after a failed request"), true);
    }
    return rpc.sendRequestAsyncUnordered(request(to, callId, framed))
        .handle((reply, e) -> outcome(to, reply, e, true));
  }

  private RaftClientRequest request(RaftPeerId to, long callId, ByteString framed) {
    return RaftClientRequest.newBuilder()
        .setClientId(host.localClientId())
        .setServerId(to)
        .setGroupId(groupId)
        .setCallId(callId)
        .setMessage(Message.valueOf(framed))
        .setType(RaftClientRequest.writeRequestType())
        .build();
  }

  /**
   * Success gives the reply; a state-machine failure is final; anything else (not leader, not
   * ready, busy, unreachable, group not there yet) is retried in order by the submitter.
   */
  private GroupSubmitter.Outcome outcome(
      RaftPeerId to, RaftClientReply reply, Throwable error, boolean remote) {
    Throwable cause = error != null ? unwrap(error) : null;
    if (cause == null && reply != null && reply.isSuccess()) {
      return GroupSubmitter.Outcome.of(
          new GroupSubmitter.RawReply(
              reply.getLogIndex(), reply.getMessage().getContent().toByteArray()));
    }
    if (cause == null) {
      RaftException e = reply == null ? null : reply.getException();
      cause = e != null ? e : new IOException("empty reply from " + to);
    }
    if (cause instanceof StateMachineException) {
      throw new CompletionException(
          new ReplicationException(
              ReplicationException.Kind.UNAVAILABLE, "group " + name + ": " + cause, cause));
    }
    if (remote) {
      broken.add(to);
    }
    if (cause instanceof NotLeaderException nle && nle.getSuggestedLeader() != null) {
      nextTarget = nle.getSuggestedLeader().getId();
    } else if (!(cause instanceof LeaderNotReadyException
        || cause instanceof ResourceUnavailableException
        || cause instanceof AlreadyClosedException)) {
      // Not the leader and no hint, group not created there yet, or unreachable: next peer.
      moveTargetPast(to);
    }
    LOG.debug("Group {}: command to {} will be retried: {}", name, to, cause.toString());
    return GroupSubmitter.Outcome.retryLater();
  }

  private RaftPeerId target() {
    RaftPeerId t = target;
    if (t == null) {
      // First remote send: the leader we heard of, else any member (it will redirect us).
      t = nextTarget != null ? nextTarget : members().get(0).getId();
      target = t;
    }
    return t;
  }

  private void moveTargetPast(RaftPeerId failed) {
    List<RaftPeer> peers = members();
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i).getId().equals(failed)) {
        nextTarget = peers.get((i + 1) % peers.size()).getId();
        return;
      }
    }
  }

  @Override
  public void resuming() {
    RaftPeerId next = nextTarget;
    if (next != null) {
      target = next;
    }
  }

  private List<RaftPeer> members() {
    RaftGroup g = group();
    return List.copyOf(g.getPeers());
  }

  /**
   * The group's members: the configuration this node's replica holds when it hosts one (it
   * follows membership changes), else the members it was defined with.
   */
  private synchronized RaftGroup group() {
    RaftGroup live = host.recordedGroup(groupId).filter(g -> !g.getPeers().isEmpty()).orElse(null);
    if (live != null) {
      boolean added = raftGroup == null || !samePeers(live, raftGroup);
      // Taken even when the same peers: RaftPeer equality is by id only, and a priority change
      // (preferLeader) must be seen, or the next one is computed from stale priorities.
      raftGroup = live;
      if (added && rpcHolder != null) {
        // A member added since the client was built: let its transport reach it.
        rpcHolder.getClientRpc().addRaftPeers(live.getPeers());
      }
    }
    if (raftGroup == null) {
      throw new ReplicationException(
          ReplicationException.Kind.UNKNOWN_GROUP, "members of group " + name + " are unknown");
    }
    return raftGroup;
  }

  private static boolean samePeers(RaftGroup a, RaftGroup b) {
    return java.util.Set.copyOf(a.getPeers()).equals(java.util.Set.copyOf(b.getPeers()));
  }

  /** The group as it is now, for membership changes. */
  RaftGroup currentGroup() {
    return group();
  }

  /** The gRPC client transport of this group (a Ratis client used only for its connections). */
  private synchronized RaftClientRpc rpc() {
    if (closed) {
      throw new ReplicationException(ReplicationException.Kind.CLOSED, "node is shutting down");
    }
    if (rpcHolder == null) {
      rpcHolder =
          RaftClient.newBuilder()
              .setClientId(host.localClientId())
              .setRaftGroup(group())
              .setProperties(host.properties())
              .build();
    }
    group(); // picks up members added since the last send
    return rpcHolder.getClientRpc();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  void close() {
    RaftClient c;
    synchronized (this) {
      closed = true;
      c = rpcHolder;
      rpcHolder = null;
    }
    submitter.close();
    waiters.failAll(
        new ReplicationException(ReplicationException.Kind.CLOSED, "node is shutting down"));
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.debug("Closing client of group {}: {}", name, e.toString());
      }
    }
  }
}
