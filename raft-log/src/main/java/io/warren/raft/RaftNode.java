package io.warren.raft;

import io.warren.storage.StoreOptions;
import io.warren.storage.StoreResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's member of the replicated log: one Ratis {@code RaftServer} over gRPC hosting any
 * number of groups (multi-Raft), each with its own {@link GroupStateMachine} and RocksDB store.
 *
 * <h2>Submitting</h2>
 *
 * {@link #submit} works from any node, for any known group. When this node leads the group the
 * command is appended in-process; otherwise it is sent over gRPC to the leader, following leader
 * changes and retrying (in order) until {@link RaftSettings#submitTimeout()}. The returned
 * future completes once the command is <b>committed</b> (on a majority, in fsync'd logs) and
 * <b>applied on this node's replica</b> when this node is a member of the group (so a read of the
 * local state right after sees it), or applied on the leader when it is not a member.
 *
 * <p>Order and duplicates: each node process is a submitting session per group whose commands
 * carry sequence numbers; the replicated state machine applies a session's commands once each and
 * in submission order, also across leader changes and retries (see {@link GroupSubmitter}). A
 * command that fails with {@link ReplicationException.Kind#TIMEOUT} or {@code UNAVAILABLE} after it
 * was sent may still be applied later (it keeps being resent in order); a command applied earlier
 * whose reply was lost completes with an empty reply. Commands from different nodes have no
 * defined order between them.
 *
 * <p>{@code submit} never blocks: commands queue per group (bounded, see {@link
 * RaftSettings#maxQueuedPerGroup()}) and a shared pool sends them. Futures complete on this node's
 * event thread ("warren-raft-events"), one at a time: hop to your own executor for anything slow,
 * and never wait there for another submit (it would wait for its own thread).
 *
 * <h2>On disk</h2>
 *
 * <pre>
 * &lt;data&gt;/ratis/&lt;group-uuid&gt;/current/    Raft log segments and metadata (Ratis)
 * &lt;data&gt;/ratis/&lt;group-uuid&gt;/sm/ckpt-&lt;term&gt;_&lt;index&gt;/   snapshots = RocksDB checkpoints (2 kept)
 * &lt;data&gt;/groups/&lt;group-uuid&gt;/group-name  the group's name, to recreate its machine at start
 * &lt;data&gt;/groups/&lt;group-uuid&gt;/db/          the live RocksDB store of the group
 * </pre>
 *
 * One store per group (not one shared store with prefixes) because a snapshot is a checkpoint of a
 * whole store and installing one replaces a whole store; per-group stores make both exact, and
 * deleting a group is deleting a directory. The stores share one block cache and memtable budget.
 */
public final class RaftNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

  /** The store family where this layer keeps its own bookkeeping (the applied index). */
  public static final String BOOKKEEPING_FAMILY = "warren.raft";

  private static final String NAME_FILE = "group-name";

  private final RaftNodeConfig config;
  private final StateMachineFactory factory;
  private final Path groupsDir;
  private final RaftProperties properties;
  private final StoreResources storeResources;
  private final ClientId localClientId = ClientId.randomId();
  /** How often {@link #reportStalledGroups} looks. */
  private static final long STALL_CHECK_SECONDS = 10;
  /** Used on the watch thread only, by the stall check. */
  private final LaggingFollowers laggingFollowers;

  private final AtomicLong callIds = new AtomicLong();
  private final Map<String, GroupHandle> groups = new ConcurrentHashMap<>();
  private final List<LeaderListener> leaderListeners = new CopyOnWriteArrayList<>();
  private final ExecutorService submitPool;
  private final ExecutorService adminPool;
  private final ScheduledThreadPoolExecutor events;
  /**
   * The periodic checks of followers and stalled groups. Not on {@link #events}: they read each
   * group's Ratis division, and Ratis makes that wait while a group is being created or recovered
   * (its store opened, its snapshot restored), which must not hold up leader changes and replies.
   */
  private final ScheduledThreadPoolExecutor watch;
  private final GroupHandle.Host host = new Host();
  private volatile RaftServer server;
  private volatile boolean closed;

  private RaftNode(RaftNodeConfig config, StateMachineFactory factory) {
    this.config = config;
    this.factory = factory;
    Path data = config.dataDir().toAbsolutePath();
    this.groupsDir = data.resolve("groups");
    try {
      Files.createDirectories(data.resolve("ratis"));
      Files.createDirectories(groupsDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + data, e);
    }
    this.properties =
        RatisConfig.properties(
            config, data.resolve("ratis").toFile(), data.resolve("ratis-removed").toFile());
    RaftSettings s = config.settings();
    this.storeResources = StoreResources.create(s.blockCacheBytes(), s.memtableBudgetBytes());
    String id = config.nodeId();
    this.submitPool =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            threads("warren-raft-submit-" + id));
    this.adminPool = Executors.newCachedThreadPool(threads("warren-raft-admin-" + id));
    this.events = new ScheduledThreadPoolExecutor(1, threads("warren-raft-events-" + id));
    this.events.setRemoveOnCancelPolicy(true);
    this.watch = new ScheduledThreadPoolExecutor(1, threads("warren-raft-watch-" + id));
    this.laggingFollowers = new LaggingFollowers(s.electionTimeoutMax());
  }

  /**
   * Starts this node's Raft server and recovers every group found in the data directory (their
   * state machines are created through {@code factory}, possibly concurrently for different
   * groups).
   */
  public static RaftNode start(RaftNodeConfig config, StateMachineFactory factory) {
    RaftNode node = new RaftNode(config, factory);
    try {
      node.server =
          RaftServer.newBuilder()
              .setServerId(RaftPeerId.valueOf(config.nodeId()))
              .setProperties(node.properties)
              .setParameters(new Parameters())
              .setOption(RaftStorage.StartupOption.RECOVER)
              .setStateMachineRegistry(node::newStateMachine)
              .build();
      node.server.start();
    } catch (IOException | RuntimeException e) {
      node.close();
      throw new IllegalStateException(
          "cannot start Raft node " + config.nodeId() + " on " + config.address() + ": " + e, e);
    }
    LOG.info("Raft node {} listening on {}", config.nodeId(), config.address());
    node.watch.scheduleWithFixedDelay(
        node::reportStalledGroups, STALL_CHECK_SECONDS, STALL_CHECK_SECONDS, TimeUnit.SECONDS);
    // Five election timeouts of silence: far beyond a live follower's, which answers heartbeats
    // every half election timeout, and soon enough that a healed partition is not felt for long.
    SilentFollowers silent =
        new SilentFollowers(config.settings().electionTimeoutMax().multipliedBy(5), node.adminPool);
    node.watch.scheduleWithFixedDelay(() -> silent.check(node.server), 1, 1, TimeUnit.SECONDS);
    return node;
  }

  public String nodeId() {
    return config.nodeId();
  }

  /**
   * Makes this node host its replica of {@code spec} (if it is a member) and able to submit to it.
   * Every member node must call it; the group elects a leader once a majority has. Idempotent: a
   * group that already exists (also one recovered from disk) is left as it is.
   */
  public CompletableFuture<Void> ensureGroup(GroupSpec spec) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new ReplicationException(ReplicationException.Kind.CLOSED, "node is closed"));
    }
    for (String member : spec.members()) {
      if (!config.peers().containsKey(member)) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException(
                "group " + spec.name() + ": member " + member + " is not in the peer list"));
      }
    }
    RaftGroup raftGroup = raftGroup(spec);
    GroupHandle handle = handle(spec.name(), raftGroup.getGroupId());
    handle.define(raftGroup);
    if (!spec.members().contains(config.nodeId()) || hosts(raftGroup.getGroupId())) {
      return CompletableFuture.completedFuture(null);
    }
    return hostLocally(spec.name(), raftGroup);
  }

  /**
   * Makes this node host an empty replica of {@code group}, a running group it is not a member of
   * yet, so that a member can then add it ({@link #addMember}): the leader fills the replica with
   * a snapshot or the log. Ratis's way to grow a group: the new peer starts with the group's id
   * and no members, never with the new member list.
   */
  public CompletableFuture<Void> prepareToJoin(String group) {
    RaftGroupId gid = RaftGroupId.valueOf(GroupSpec.groupIdOf(group));
    handle(group, gid);
    if (hosts(gid)) {
      return CompletableFuture.completedFuture(null);
    }
    return hostLocally(group, RaftGroup.valueOf(gid));
  }

  /** Starts this node's replica of {@code group} (one already there is fine). */
  private CompletableFuture<Void> hostLocally(String name, RaftGroup group) {
    return CompletableFuture.supplyAsync(
            () -> {
              writeGroupName(group.getGroupId(), name);
              return server.groupManagementAsync(
                  GroupManagementRequest.newAdd(
                      localClientId, server.getId(), callIds.incrementAndGet(), group, false));
            },
            adminPool)
        .thenCompose(f -> f)
        .handle(
            (reply, e) -> {
              Throwable cause = unwrap(e);
              if (cause == null && reply != null && !reply.isSuccess()) {
                cause = reply.getException();
              }
              if (cause == null || cause instanceof AlreadyExistsException) {
                return null;
              }
              throw new CompletionException(
                  new IllegalStateException("cannot start group " + name + " here: " + cause, cause));
            });
  }

  /**
   * Adds node {@code nodeId} (Raft address {@code address}) to {@code group}'s members through the
   * group's leader. Completes once the new member has caught up and the new configuration is
   * committed; the new member must have called {@link #prepareToJoin} first.
   */
  public CompletableFuture<Void> addMember(String group, String nodeId, String address) {
    RaftPeer peer = RaftPeer.newBuilder().setId(nodeId).setAddress(address).setPriority(0).build();
    // ADD: the leader adds to the members it has, keeping their priorities (preferred leaders).
    return changeMembers(group, org.apache.ratis.protocol.SetConfigurationRequest.Arguments.newBuilder()
        .setServersInNewConf(List.of(peer))
        .setMode(org.apache.ratis.protocol.SetConfigurationRequest.Mode.ADD)
        .build());
  }

  /**
   * Removes node {@code nodeId} from {@code group}'s members through the group's leader (the
   * removed replica stops). Completes once the new configuration is committed.
   */
  public CompletableFuture<Void> removeMember(String group, String nodeId) {
    GroupHandle h = groups.get(group);
    if (h == null) {
      return CompletableFuture.failedFuture(
          new ReplicationException(ReplicationException.Kind.UNKNOWN_GROUP, "unknown group " + group));
    }
    List<RaftPeer> next = h.currentGroup().getPeers().stream()
        .filter(p -> !p.getId().toString().equals(nodeId))
        .toList();
    if (next.isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("group " + group + " cannot lose its last member"));
    }
    return changeMembers(group, org.apache.ratis.protocol.SetConfigurationRequest.Arguments.newBuilder()
        .setServersInNewConf(next)
        .build());
  }

  /**
   * Makes {@code nodeId} the preferred leader of {@code group} (the only member with a higher
   * election priority): Ratis's leader hands over to it once it is caught up. Does nothing when
   * it already is.
   */
  public CompletableFuture<Void> preferLeader(String group, String nodeId) {
    GroupHandle h = groups.get(group);
    if (h == null) {
      return CompletableFuture.failedFuture(
          new ReplicationException(ReplicationException.Kind.UNKNOWN_GROUP, "unknown group " + group));
    }
    List<RaftPeer> current = List.copyOf(h.currentGroup().getPeers());
    List<RaftPeer> next = current.stream()
        .map(p -> RaftPeer.newBuilder(p).setPriority(p.getId().toString().equals(nodeId) ? 1 : 0).build())
        .toList();
    if (next.stream().noneMatch(p -> p.getId().toString().equals(nodeId))) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(nodeId + " is not a member of group " + group));
    }
    boolean unchanged = true;
    for (int i = 0; i < current.size(); i++) {
      unchanged &= current.get(i).getPriority() == next.get(i).getPriority();
    }
    if (unchanged) {
      return CompletableFuture.completedFuture(null);
    }
    return changeMembers(group, org.apache.ratis.protocol.SetConfigurationRequest.Arguments.newBuilder()
        .setServersInNewConf(next)
        .build());
  }

  /** The ids of {@code group}'s members as this node knows them (its replica's configuration). */
  public List<String> members(String group) {
    GroupHandle h = groups.get(group);
    if (h == null) {
      return List.of();
    }
    return h.currentGroup().getPeers().stream().map(p -> p.getId().toString()).sorted().toList();
  }

  private CompletableFuture<Void> changeMembers(
      String group, org.apache.ratis.protocol.SetConfigurationRequest.Arguments change) {
    GroupHandle h = groups.get(group);
    if (closed || h == null) {
      return CompletableFuture.failedFuture(
          new ReplicationException(ReplicationException.Kind.UNKNOWN_GROUP, "unknown group " + group));
    }
    return CompletableFuture.runAsync(
        () -> {
          try (org.apache.ratis.client.RaftClient client =
              org.apache.ratis.client.RaftClient.newBuilder()
                  .setClientId(ClientId.randomId())
                  .setRaftGroup(h.currentGroup())
                  .setProperties(properties)
                  .setRetryPolicy(
                      org.apache.ratis.retry.RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                          MEMBERSHIP_RETRIES, org.apache.ratis.util.TimeDuration.valueOf(500, TimeUnit.MILLISECONDS)))
                  .build()) {
            org.apache.ratis.protocol.RaftClientReply reply = client.admin().setConfiguration(change);
            if (!reply.isSuccess()) {
              throw new IllegalStateException(
                  "group " + group + " refused the membership change: " + reply.getException());
            }
            LOG.info("Group {}: membership changed ({} {})", group, change.getMode(),
                change.getServersInNewConf().stream()
                    .map(RaftPeer::getId).toList());
          } catch (IOException e) {
            throw new UncheckedIOException(
                "group " + group + ": the membership change failed: " + e.getMessage(), e);
          }
        },
        adminPool);
  }

  /** Retries of a membership change (leader moving, new member still catching up), 500 ms apart. */
  private static final int MEMBERSHIP_RETRIES = 120;

  /**
   * Replicates {@code command} through {@code group}'s log; see the class comment for when the
   * future completes. Fails with a {@link ReplicationException}.
   */
  public CompletableFuture<SubmitResult> submit(String group, byte[] command) {
    return submit(group, ByteBuffer.wrap(command));
  }

  /**
   * As {@link #submit(String, byte[])}, with the command's bytes as a buffer's remaining ones,
   * taken without a copy: they must not change afterwards.
   */
  public CompletableFuture<SubmitResult> submit(String group, ByteBuffer command) {
    if (command.remaining() > config.settings().maxCommandBytes()) {
      return CompletableFuture.failedFuture(
          new ReplicationException(
              ReplicationException.Kind.TOO_LARGE,
              "command of "
                  + command.remaining()
                  + " bytes exceeds the limit of "
                  + config.settings().maxCommandBytes()));
    }
    return submitEntry(group, Envelope.COMMAND, command);
  }

  /**
   * Completes once every command committed in {@code group} before this call is applied on this
   * node's replica (this node must be a member). Returns the barrier's own log index.
   */
  public CompletableFuture<Long> barrier(String group) {
    return submitEntry(group, Envelope.BARRIER, ByteBuffer.allocate(0)).thenApply(SubmitResult::index);
  }

  private CompletableFuture<SubmitResult> submitEntry(String group, byte kind, ByteBuffer payload) {
    GroupHandle handle = groups.get(group);
    if (closed || handle == null) {
      return CompletableFuture.failedFuture(
          closed
              ? new ReplicationException(ReplicationException.Kind.CLOSED, "node is closed")
              : new ReplicationException(
                  ReplicationException.Kind.UNKNOWN_GROUP, "unknown group " + group));
    }
    CompletableFuture<SubmitResult> out = new CompletableFuture<>();
    ScheduledFuture<?> timeout =
        events.schedule(
            () ->
                out.completeExceptionally(
                    new ReplicationException(
                        ReplicationException.Kind.TIMEOUT,
                        "group " + group + ": no answer within " + config.settings().submitTimeout())),
            config.settings().submitTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    boolean member = hosts(handle.groupId());
    handle
        .submitter()
        .submit(kind, payload, out)
        .thenCompose(
            raw ->
                member
                    ? handle.waiters().await(raw.index()).thenApply(v -> raw)
                    : CompletableFuture.completedFuture(raw))
        .whenComplete(
            (raw, e) ->
                events.execute(
                    () -> {
                      timeout.cancel(false);
                      if (e != null) {
                        out.completeExceptionally(unwrap(e));
                      } else {
                        complete(out, group, raw);
                      }
                    }));
    return out;
  }

  private static void complete(
      CompletableFuture<SubmitResult> out, String group, GroupSubmitter.RawReply raw) {
    byte[] framed = raw.framed();
    switch (Envelope.kind(framed)) {
      case Envelope.REPLY_OK -> out.complete(new SubmitResult(raw.index(), Envelope.body(framed)));
      case Envelope.REPLY_REJECTED -> out.completeExceptionally(
          new ReplicationException(
              ReplicationException.Kind.REJECTED,
              new String(Envelope.body(framed), StandardCharsets.UTF_8)));
      // Applied before, but its reply was lost (leader restarted, or retry cache expired).
      case Envelope.REPLY_REPLAYED, Envelope.REPLY_DUPLICATE -> out.complete(
          new SubmitResult(raw.index(), new byte[0]));
      default -> out.completeExceptionally(
          new IllegalStateException("group " + group + ": unknown reply kind " + framed[0]));
    }
  }

  /** Whether this node currently leads {@code group}. */
  public boolean isLeader(String group) {
    return division(group).map(d -> d.getInfo().isLeader()).orElse(false);
  }

  /** The leader of {@code group} as this node last heard, if any. */
  public Optional<String> leader(String group) {
    Optional<String> fromDivision =
        division(group).map(d -> d.getInfo().getLeaderId()).map(RaftPeerId::toString);
    if (fromDivision.isPresent()) {
      return fromDivision;
    }
    GroupHandle h = groups.get(group);
    return h == null ? Optional.empty() : h.lastLeader();
  }

  /** This node's view of {@code group}; empty if the group has no replica here. */
  public Optional<GroupStatus> status(String group) {
    return division(group).map(RaftNode::statusOf);
  }

  /**
   * Warns of every group whose commands from this node have gone unanswered for a while (a
   * leaderless group, or a submitter that lost track of a send), with what the node knows of it:
   * a client's publish waiting on such a group gets no confirm, and this says where it waits.
   */
  private void reportStalledGroups() {
    long now = System.nanoTime();
    long threshold = config.settings().submitTimeout().toNanos() / 2;
    for (GroupHandle h : groups.values()) {
      Optional<RaftServer.Division> led = division(h.groupId()).filter(d -> d.getInfo().isLeader());
      if (led.isPresent()) {
        laggingFollowers.check(h.name(), led.get());
      } else {
        laggingFollowers.forget(h.name());
      }
      warnIfOver(threshold, h.submitter().stalledNanos(now), "Commands from this node unanswered", h);
      // Answered, but this replica applies nothing: the leader does not reach it (the group
      // itself may work), and every confirm and delivery that waits on this node's apply waits.
      warnIfOver(threshold, h.waiters().stalledNanos(now),
          "Commands wait for this replica to apply them, which applied nothing", h);
    }
  }

  private void warnIfOver(long thresholdNanos, long stalledNanos, String what, GroupHandle h) {
    if (stalledNanos > thresholdNanos) {
      LOG.warn("{} for {} s: {}", what, TimeUnit.NANOSECONDS.toSeconds(stalledNanos), describe(h.name()));
    }
  }

  /**
   * One line on {@code group} for a log message when its commands seem stuck: this replica's
   * status and what this node's submitter for the group is doing.
   */
  public String describe(String group) {
    GroupHandle h = groups.get(group);
    return "group " + group + ": " + status(group).map(GroupStatus::toString).orElse("no replica here")
        + "; submitter " + (h == null ? "none" : h.submitter().describe() + "; " + h.waiters().describe());
  }

  private static GroupStatus statusOf(RaftServer.Division d) {
    var info = d.getInfo();
    GroupStatus.Role role =
        info.isAlive() ? roleOf(info.getCurrentRole()) : GroupStatus.Role.OTHER;
    Map<String, Long> contact = new HashMap<>();
    long leaderContact = -1;
    if (role == GroupStatus.Role.FOLLOWER) {
      RoleInfoProto roleInfo = info.getRoleInfoProto();
      if (roleInfo.hasFollowerInfo() && roleInfo.getFollowerInfo().hasLeaderInfo()) {
        leaderContact = roleInfo.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
      }
    } else if (role == GroupStatus.Role.LEADER) {
      RoleInfoProto roleInfo = info.getRoleInfoProto();
      roleInfo
          .getLeaderInfo()
          .getFollowerInfoList()
          .forEach(
              f ->
                  contact.put(
                      f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs()));
    }
    SnapshotInfo snapshot = d.getStateMachine().getLatestSnapshot();
    return new GroupStatus(
        role,
        info.getCurrentTerm(),
        Optional.ofNullable(info.getLeaderId()).map(RaftPeerId::toString),
        d.getRaftLog().getLastCommittedIndex(),
        info.getLastAppliedIndex(),
        snapshot == null ? -1 : snapshot.getIndex(),
        Map.copyOf(contact),
        leaderContact);
  }

  private static GroupStatus.Role roleOf(RaftPeerRole role) {
    return switch (role) {
      case LEADER -> GroupStatus.Role.LEADER;
      case FOLLOWER -> GroupStatus.Role.FOLLOWER;
      case CANDIDATE -> GroupStatus.Role.CANDIDATE;
      default -> GroupStatus.Role.OTHER;
    };
  }

  /**
   * The figures of every group hosted on this node, for metrics: status, counters, log size on disk
   * and store figures. Walks each group's log directory, so meant for scrapes, not hot paths.
   */
  public List<GroupFigures> figures() {
    List<GroupFigures> out = new ArrayList<>();
    for (GroupHandle h : groups.values()) {
      division(h.groupId())
          .ifPresent(
              d ->
                  out.add(
                      new GroupFigures(
                          h.name(),
                          statusOf(d),
                          h.leaderChanges(),
                          h.snapshotInstalls(),
                          logBytes(d),
                          d.getStateMachine() instanceof ReplicatedStateMachine m
                              ? m.storeStats()
                              : Optional.empty())));
    }
    out.sort(java.util.Comparator.comparing(GroupFigures::group));
    return out;
  }

  /** Bytes of the group's log segments (Ratis's {@code current} directory). */
  private static long logBytes(RaftServer.Division d) {
    Path dir = d.getRaftStorage().getStorageDir().getCurrentDir().toPath();
    try (var files = Files.list(dir)) {
      return files.mapToLong(RaftNode::sizeOrZero).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0; // the directory changes under us (segments rolled or purged): next scrape sees it
    }
  }

  private static long sizeOrZero(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0; // purged meanwhile
    }
  }

  /** Names of the groups this node knows (hosted or only submitted to). */
  public Set<String> groups() {
    return Set.copyOf(groups.keySet());
  }

  public void addLeaderListener(LeaderListener listener) {
    leaderListeners.add(listener);
  }

  public void removeLeaderListener(LeaderListener listener) {
    leaderListeners.remove(listener);
  }

  /** Stops every group (closing their stores) and the Raft server. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    watch.shutdownNow();
    groups.values().forEach(GroupHandle::close);
    RaftServer s = server;
    if (s != null) {
      try {
        s.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Error closing Raft server of {}: {}", config.nodeId(), e.toString());
      }
    }
    submitPool.shutdownNow();
    adminPool.shutdownNow();
    events.shutdown();
    try {
      events.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    storeResources.close();
    LOG.info("Raft node {} closed", config.nodeId());
  }

  // --- internals -----------------------------------------------------------------------------

  /** Ratis's state machine registry: called for each group added or recovered on this node. */
  private ReplicatedStateMachine newStateMachine(RaftGroupId gid) {
    Path groupDir = groupsDir.resolve(gid.getUuid().toString());
    String name = readGroupName(groupDir, gid);
    GroupHandle handle = handle(name, gid);
    GroupStateMachine machine = factory.create(name);
    Set<String> families = machine.families();
    if (families.contains(BOOKKEEPING_FAMILY)) {
      throw new IllegalArgumentException(
          "group " + name + ": family " + BOOKKEEPING_FAMILY + " is reserved");
    }
    StoreOptions options =
        // The Raft log is the store's write-ahead log: after a crash the group replays it from the
        // last flushed applied index, so RocksDB's own WAL would only write every byte twice.
        StoreOptions.of(families)
            .withWriteLog(StoreOptions.WriteLog.NONE)
            .withWriteBufferBytes(config.settings().writeBufferBytes())
            .withResources(storeResources);
    if (machine instanceof LargeValues lv) {
      options = options.withLargeValues(lv.largeValueFamilies().toArray(String[]::new));
    }
    SnapshotSchedule schedule =
        SnapshotSchedule.of(
            config.settings().snapshotThreshold(), config.nodeId(), List.copyOf(config.peers().keySet()));
    return new ReplicatedStateMachine(
        name, machine, new GroupDatabase(groupDir, options), handle, schedule);
  }

  private GroupHandle handle(String name, RaftGroupId gid) {
    GroupHandle h =
        groups.computeIfAbsent(
            name,
            n ->
                new GroupHandle(
                    n,
                    gid,
                    host,
                    (group, transport) ->
                        new GroupSubmitter(
                            group,
                            transport,
                            callIds::incrementAndGet,
                            submitPool,
                            events,
                            config.settings().maxInFlightPerGroup(),
                            config.settings().maxQueuedPerGroup(),
                            config.settings().submitTimeout().multipliedBy(4))));
    if (!h.groupId().equals(gid)) {
      throw new IllegalStateException("group name " + name + " maps to two ids");
    }
    // No Ratis calls here: this also runs inside Ratis's group recovery, which they would wait on.
    return h;
  }

  private RaftGroup raftGroup(GroupSpec spec) {
    List<RaftPeer> peers = new ArrayList<>();
    for (String member : spec.members()) {
      peers.add(
          RaftPeer.newBuilder()
              .setId(member)
              .setAddress(config.peers().get(member))
              .setPriority(member.equals(spec.preferredLeader()) ? 1 : 0)
              .build());
    }
    return RaftGroup.valueOf(RaftGroupId.valueOf(spec.groupId()), peers);
  }

  private boolean hosts(RaftGroupId gid) {
    RaftServer s = server;
    if (s == null) {
      return false;
    }
    for (RaftGroupId id : s.getGroupIds()) {
      if (id.equals(gid)) {
        return true;
      }
    }
    return false;
  }

  private Optional<RaftServer.Division> division(String group) {
    GroupHandle h = groups.get(group);
    return h == null ? Optional.empty() : division(h.groupId());
  }

  private Optional<RaftServer.Division> division(RaftGroupId gid) {
    RaftServer s = server;
    if (s == null || !hosts(gid)) {
      return Optional.empty();
    }
    try {
      return Optional.of(s.getDivision(gid));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void writeGroupName(RaftGroupId gid, String name) {
    Path dir = groupsDir.resolve(gid.getUuid().toString());
    Path file = dir.resolve(NAME_FILE);
    try {
      if (Files.exists(file)) {
        return;
      }
      Files.createDirectories(dir);
      Path tmp = dir.resolve(NAME_FILE + ".tmp");
      Files.writeString(tmp, name, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      CheckpointSnapshots.fsync(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record name of group " + name + " in " + dir, e);
    }
  }

  private static String readGroupName(Path groupDir, RaftGroupId gid) {
    Path file = groupDir.resolve(NAME_FILE);
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Raft group "
              + gid
              + " exists in the log directory but "
              + file
              + " is missing: the data directory is incomplete",
          e);
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The node's side of {@link GroupHandle}. */
  private final class Host implements GroupHandle.Host {
    @Override
    public RaftServer server() {
      return server;
    }

    @Override
    public RaftProperties properties() {
      return properties;
    }

    @Override
    public ClientId localClientId() {
      return localClientId;
    }

    @Override
    public Optional<RaftGroup> recordedGroup(RaftGroupId gid) {
      return division(gid).map(RaftServer.Division::getGroup);
    }

    @Override
    public void leaderChanged(String group, Optional<String> leader) {
      boolean local = leader.map(config.nodeId()::equals).orElse(false);
      // Operators (and failover measurements) read leadership moves from the log.
      LOG.info("Group {}: leader is {}", group, leader.orElse("unknown (election under way)"));
      executeEvent(
          () -> {
            for (LeaderListener l : leaderListeners) {
              try {
                l.leaderChanged(group, leader, local);
              } catch (RuntimeException e) {
                LOG.warn("Leader listener failed for group {}", group, e);
              }
            }
          });
    }

    @Override
    public void appliedWaitersDue(Iterable<CompletableFuture<Void>> due) {
      // Only completes internal futures; user callbacks run later on the events thread.
      due.forEach(f -> f.complete(null));
    }
  }

  private void executeEvent(Runnable r) {
    try {
      events.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("Event dropped after close");
    }
  }
}
