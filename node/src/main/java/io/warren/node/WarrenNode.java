package io.warren.node;

import io.warren.model.Broker;
import io.warren.model.Command;
import io.warren.model.ConnectionIds;
import io.warren.node.amqp.AmqpServer;
import io.warren.node.amqp.PasswordHasher;
import io.warren.node.amqp.WirePropertiesCodec;
import io.warren.node.broker.ExpiryTicker;
import io.warren.node.broker.MemoryAlarm;
import io.warren.node.broker.ReplicatedCommandLog;
import io.warren.node.cluster.MinorityFence;
import io.warren.node.cluster.NodeFailureDetector;
import io.warren.node.config.WarrenConfig;
import io.warren.node.management.ManagementServer;
import io.warren.node.management.MembershipControl;
import io.warren.node.metrics.BrokerSnapshot;
import io.warren.node.metrics.MetricsServer;
import io.warren.node.replication.ClusterMembers;
import io.warren.node.replication.MembershipChange;
import io.warren.node.replication.MetaMachine;
import io.warren.node.replication.PartitionMachine;
import io.warren.raft.GroupSpec;
import io.warren.raft.RaftNode;
import io.warren.raft.RaftNodeConfig;
import io.warren.raft.RaftSettings;
import io.warren.raft.ReplicationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker process: owns every long-lived component and closes them in reverse order. A single
 * node is a cluster of one: its metadata and queue partition groups are one-member Raft groups,
 * on the same code path a cluster runs.
 */
public final class WarrenNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WarrenNode.class);
  // As long as RabbitMQ waits for its peers at boot (10 tries of 30 s): the first node of a cluster
  // waits here until a majority has started.
  private static final long START_TIMEOUT_SECONDS = 300;

  private final WarrenConfig config;
  private final Map<String, PartitionMachine> partitionMachines = new ConcurrentHashMap<>();
  private DataDirectory dataDirectory;
  private ReplicatedCommandLog commandLog;
  private RaftNode raft;
  private AmqpServer amqp;
  private MemoryAlarm memoryAlarm;
  private MetricsServer metrics;
  private ManagementServer management;
  private NodeFailureDetector failureDetector;
  private MinorityFence minorityFence;
  private ExpiryTicker expiryTicker;
  private long firstConnection;
  private List<String> partitions;
  private volatile ClusterMembers members = ClusterMembers.NONE;
  private volatile boolean wasMember;
  private volatile boolean removed;
  private static final String REMOVED = "this node was removed from the cluster";
  private static final long JOIN_RETRY_MILLIS = 1000;

  /** Start and close exclude each other. */
  private final java.util.concurrent.locks.ReentrantLock lifecycle = new java.util.concurrent.locks.ReentrantLock();
  private static final long CLOSE_WAIT_SECONDS = 10;

  public WarrenNode(WarrenConfig config) {
    this.config = config;
  }

  public void start() throws InterruptedException {
    lifecycle.lock();
    try {
      startLocked();
    } finally {
      lifecycle.unlock();
    }
  }

  private void startLocked() throws InterruptedException {
    long started = System.nanoTime();
    String nodeId = config.get(WarrenConfig.NODE_ID);
    dataDirectory = DataDirectory.open(config.get(WarrenConfig.DATA_DIR));
    Path dataDir = dataDirectory.path();
    long run = NodeRuns.next(dataDir);
    Map<String, String> peers = peers(nodeId);
    List<String> configured = List.copyOf(peers.keySet()); // sorted: every node numbers them alike
    boolean clustered = configured.size() > 1;
    boolean joinSetting = clustered && config.get(WarrenConfig.CLUSTER_JOIN);
    // A node that started before keeps the place it got then, whatever the peer list says now; a
    // new node forms the cluster with the configured peers, or joins a running one.
    ClusterLayout layout = ClusterLayout.read(dataDir).orElse(null);
    boolean joining = layout == null && joinSetting;
    if (layout == null && !joining) {
      layout = new ClusterLayout(configured.indexOf(nodeId),
          config.get(WarrenConfig.PARTITIONS_PER_NODE) * configured.size());
      layout.write(dataDir);
    }
    if (layout != null) {
      createCommandLog(layout, run, clustered); // before Raft: it recovers groups that apply into it
    }
    startRaftServer(nodeId, peers, dataDir);
    List<String> others = configured.stream().filter(n -> !n.equals(nodeId)).toList();
    if (joining) {
      layout = join(nodeId, others);
      layout.write(dataDir);
      createCommandLog(layout, run, true);
      joinGroups(nodeId, peers.get(nodeId), others);
    } else {
      ensureGroups(nodeId, configured);
    }
    commandLog.attach(raft::submit);
    for (String group : groups()) {
      awaitCaughtUp(group);
    }
    if (joining) {
      spreadLeaders();
    }
    if (clustered && !joinSetting) {
      // Records the founding members' node indexes, once: later starts change nothing.
      await(raft.submit(ReplicatedCommandLog.META_GROUP,
          new MembershipChange.Form(configured, layout.partitions()).encode()), "recording the cluster's members");
    }
    // Connections of this node's earlier runs are gone: what they held comes back, redelivered.
    // A single node also drops transient messages; in a cluster the queues lived on elsewhere.
    await(commandLog.submit(new Command.Restarted(firstConnection, !clustered)),
        "closing the connections of the last run");
    if (commandLog.access().users().isEmpty()) {
      // A new store (as RabbitMQ, when there are no users): the configured default user, an
      // administrator with every permission on "/". Every node of a new cluster may send it; the
      // first applied wins, the others find a user and change nothing.
      await(commandLog.submit(new Command.AddDefaultUser(config.get(WarrenConfig.DEFAULT_USER),
          PasswordHasher.hash(config.get(WarrenConfig.DEFAULT_PASS)))), "creating the default user");
    }
    log.info("Node {} (run {}, node index {}) recovered its queues in {} ms", nodeId, run, layout.nodeIndex(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

    expiryTicker = new ExpiryTicker(commandLog, partitionMachines, raft::isLeader);
    expiryTicker.start();
    memoryAlarm = MemoryAlarm.forHeap(config.get(WarrenConfig.MEMORY_HIGH_WATERMARK));
    amqp = new AmqpServer(config, commandLog, memoryAlarm, firstConnection);
    commandLog.onQueueRemoved(amqp.queueCounters()::forget);
    amqp.start();
    if (removed) {
      amqp.fence(REMOVED);
    }
    metrics = new MetricsServer(
        new InetSocketAddress(config.get(WarrenConfig.AMQP_BIND), config.get(WarrenConfig.METRICS_PORT)),
        new MetricsServer.Sources(this::snapshot, amqp.queueCounters()::snapshot, raft::figures));
    try {
      metrics.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for metrics on port "
          + config.get(WarrenConfig.METRICS_PORT), e);
    }
    management = new ManagementServer(config, commandLog, partitionMachines::values, this::snapshot, amqp,
        memoryAlarm, raft);
    if (clustered) {
      management.enableMembership(new NodeMembership(nodeId));
    }
    try {
      management.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for the management API on port "
          + config.get(WarrenConfig.MANAGEMENT_PORT), e);
    }
    if (clustered) {
      Duration downAfter = Duration.ofSeconds(config.get(WarrenConfig.CLUSTER_NODE_DOWN_AFTER));
      failureDetector = new NodeFailureDetector(raft, ReplicatedCommandLog.META_GROUP,
          node -> members.indexOf(node), downAfter, commandLog::submit);
      failureDetector.start();
      minorityFence = new MinorityFence(raft, ReplicatedCommandLog.META_GROUP, downAfter, new MinorityFence.Gate() {
        @Override
        public void fence(String reason) {
          amqp.fence(reason);
        }

        @Override
        public void unfence() {
          if (!removed) {
            amqp.unfence();
          }
        }
      });
      minorityFence.start();
    }
    log.info("Warren node {} started; AMQP on {}, metrics on {}", nodeId, amqp.address(), metrics.address());
  }

  private void createCommandLog(ClusterLayout layout, long run, boolean clustered) {
    firstConnection = ConnectionIds.first(layout.nodeIndex(), run);
    partitions = IntStream.range(0, layout.partitions()).mapToObj(i -> "partition-" + i).toList();
    WirePropertiesCodec codec = new WirePropertiesCodec();
    commandLog = new ReplicatedCommandLog(
        clustered ? Broker.forClusterNode(layout.nodeIndex(), codec) : Broker.withReplicatedStandIns(codec),
        firstConnection, partitions, clustered);
  }

  /** Every group, the metadata group first: partitions' queues are declared in it. */
  private List<String> groups() {
    List<String> groups = new ArrayList<>();
    groups.add(ReplicatedCommandLog.META_GROUP);
    groups.addAll(partitions);
    return groups;
  }

  /**
   * Asks the members to let this node in: the metadata group, which this node is not a member of
   * yet, gives it a node index once an operator admitted it. Waits for that admission.
   */
  private ClusterLayout join(String nodeId, List<String> others) throws InterruptedException {
    await(raft.ensureGroup(new GroupSpec(ReplicatedCommandLog.META_GROUP, others)), "finding the cluster");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    boolean told = false;
    while (true) {
      try {
        byte[] reply = raft.submit(ReplicatedCommandLog.META_GROUP, new MembershipChange.Join(nodeId).encode())
            .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS).reply();
        if (reply.length == 0) {
          continue; // applied before but its reply was lost: joining again is harmless and answers
        }
        ClusterMembers registry = ClusterMembers.decode(reply);
        ClusterLayout layout = new ClusterLayout(registry.indexOf(nodeId).orElseThrow(), registry.partitions());
        log.info("Node {} joins the cluster of {} as node index {}", nodeId, registry.indexes().keySet(),
            layout.nodeIndex());
        return layout;
      } catch (ExecutionException e) {
        boolean notAdmitted = e.getCause() instanceof ReplicationException r
            && r.kind() == ReplicationException.Kind.REJECTED;
        if (!notAdmitted || System.nanoTime() > deadline) {
          throw new IllegalStateException("joining the cluster through " + others + " failed: "
              + e.getCause().getMessage(), e.getCause());
        }
        if (!told) {
          log.info("Waiting to be let in: {}", e.getCause().getMessage());
          told = true;
        }
        Thread.sleep(JOIN_RETRY_MILLIS);
      } catch (TimeoutException e) {
        throw new IllegalStateException("no member of " + others + " answered within " + START_TIMEOUT_SECONDS + " s");
      }
    }
  }

  /**
   * Gives the groups' preferred leaders (Raft priorities) to the current members in turn, as a
   * new cluster spreads them, so that a node that joined takes its share of the partitions and
   * the share of a removed one is taken over. A group's leader hands over once the preferred
   * member has caught up. Failures are only logged: balance is not correctness.
   */
  private CompletableFuture<Void> spreadLeaders() {
    List<String> members = raft.members(ReplicatedCommandLog.META_GROUP);
    List<String> groups = groups();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = 0; i < groups.size() && !members.isEmpty(); i++) {
      String group = groups.get(i);
      String preferred = members.get(i % members.size());
      chain = chain.thenCompose(v -> raft.preferLeader(group, preferred).exceptionally(e -> {
        log.warn("Could not make {} the preferred leader of {}: {}", preferred, group, e.toString());
        return null;
      }));
    }
    return chain;
  }

  /** Becomes a member of every group: an empty replica here, which the group's leader then adds and fills. */
  private void joinGroups(String nodeId, String address, List<String> others) throws InterruptedException {
    for (String group : groups()) {
      await(raft.ensureGroup(new GroupSpec(group, others)), "finding Raft group " + group);
      await(raft.prepareToJoin(group), "preparing to join Raft group " + group);
      await(raft.addMember(group, nodeId, address), "joining Raft group " + group);
    }
  }

  /**
   * The cluster's nodes, id to Raft address: the configured peers, or this node alone on loopback
   * (then the Raft port stays off the network).
   */
  private Map<String, String> peers(String nodeId) {
    Map<String, String> configured = config.get(WarrenConfig.CLUSTER_PEERS);
    if (!configured.isEmpty()) {
      return new TreeMap<>(configured);
    }
    int port = config.get(WarrenConfig.RAFT_PORT);
    if (port == 0) {
      port = freePort();
    }
    return new TreeMap<>(Map.of(nodeId, "127.0.0.1:" + port));
  }

  private void startRaftServer(String nodeId, Map<String, String> peers, Path dataDir) {
    long maxMessage = config.get(WarrenConfig.MAX_MESSAGE_SIZE);
    long snapshotEvery = config.get(WarrenConfig.RAFT_SNAPSHOT_THRESHOLD);
    long segment = config.get(WarrenConfig.RAFT_SEGMENT_SIZE);
    if (segment == 0) {
      // Ratis keeps every entry of a group's open segment and of its latest closed one on the
      // heap, so an entry lives as long as its segment: long enough to outlive young collections.
      // At 64 MiB a busy partition kept 200 MiB of entries alive; at 8 MiB three nodes on two cores
      // still paused 12 s a minute collecting (fan-in), at 2 MiB 3 s, and the confirm p99 of a
      // single node fell from about 16 to 12 ms. 1 MiB rolls files too often and loses throughput.
      segment = Math.max(1L << 20, Math.min(2L << 20, Runtime.getRuntime().maxMemory() / 64));
    }
    RaftSettings settings = RaftSettings.defaults().toBuilder()
        .maxCommandBytes((int) Math.min(Integer.MAX_VALUE - (64 << 20), Math.max(16L << 20, maxMessage + (1 << 20))))
        .snapshotThreshold(snapshotEvery)
        // Keep one snapshot interval of log behind a snapshot for followers that lag a little.
        .purge((int) Math.max(1, snapshotEvery / 4), snapshotEvery)
        .segmentSizeBytes(segment)
        .segmentCacheNum(1)
        .preallocatedBytes(Math.min(segment, 4L << 20))
        .build();
    // The Raft port listens on the host of this node's own peer address.
    String bind = config.get(WarrenConfig.RAFT_BIND);
    RaftNodeConfig raftConfig = new RaftNodeConfig(nodeId, peers, dataDir, bind.isEmpty() ? null : bind, settings);
    raft = RaftNode.start(raftConfig, group -> {
      if (group.equals(ReplicatedCommandLog.META_GROUP)) {
        return new MetaMachine(commandLog, this::membersChanged);
      }
      // Recent bodies on the heap, 1/2048 of it per partition (3 MiB of a 6 GiB heap): enough that
      // a consumer keeping up with its queue never reads the store. Not more: every replica keeps
      // them, and bodies kept longer survive young collections and then die in the old
      // generation; at 1/512 a busy three-node cluster on two cores spent its time collecting.
      long bodyCache = Runtime.getRuntime().maxMemory() / 2048;
      PartitionMachine machine = new PartitionMachine(group, commandLog::partitionApplied, peers.size() > 1, bodyCache);
      partitionMachines.put(group, machine);
      return machine;
    });
  }

  /**
   * Starts this node's replica of every group, or finds it after a restart (the members Raft
   * recorded then win over these). Preferred leaders rotate over the nodes so that each leads
   * its share of the partitions.
   */
  private void ensureGroups(String nodeId, List<String> configured) throws InterruptedException {
    List<String> groups = groups();
    for (int i = 0; i < groups.size(); i++) {
      GroupSpec spec = new GroupSpec(groups.get(i), configured, configured.get(i % configured.size()));
      await(raft.ensureGroup(spec), "starting Raft group " + spec.name());
    }
    if (configured.size() > 1) {
      log.info("Node {} waits for a majority of {} to elect leaders", nodeId, configured);
    }
  }

  /**
   * The metadata group's registry of members, after a restore and after each change: notices when
   * this node has been removed, and then serves no clients any more.
   */
  private void membersChanged(ClusterMembers registry) {
    String self = config.get(WarrenConfig.NODE_ID);
    members = registry;
    boolean member = registry.indexOf(self).isPresent();
    if (member) {
      wasMember = true;
    } else if (wasMember && !removed) {
      removed = true;
      log.warn("Node {} was removed from the cluster: it serves no clients any more. Stop it, and clear its data "
          + "directory before it joins again.", self);
      AmqpServer server = amqp;
      if (server != null) {
        server.fence(REMOVED);
      }
    }
  }

  /**
   * Waits until the group has a leader and this replica has applied everything committed before
   * now. One barrier gives up after the submit timeout, but a replica replaying a long log (in a
   * cluster every start replays from the latest snapshot) may need longer: try again until the
   * start timeout.
   */
  private void awaitCaughtUp(String group) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    while (true) {
      try {
        await(raft.barrier(group), "waiting for Raft group " + group + " to elect a leader and catch up");
        return;
      } catch (IllegalStateException e) {
        boolean timedOut = e.getCause() instanceof ReplicationException r
            && r.kind() == ReplicationException.Kind.TIMEOUT;
        if (!timedOut || System.nanoTime() > deadline) {
          throw e;
        }
        log.info(
            "Raft group {} is still electing a leader or catching up; waiting on ({})",
            group,
            raft.describe(group));
      }
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) throws InterruptedException {
    try {
      return future.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not finish within " + START_TIMEOUT_SECONDS + " s");
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for Raft", e);
    }
  }

  /** Connections, channels and non-replicated queues from the broker thread; replicated queues from their partitions. */
  private CompletableFuture<BrokerSnapshot> snapshot() {
    return commandLog.inspect(BrokerSnapshot::of).thenApply(nodeSnapshot -> {
      List<BrokerSnapshot.QueueFigures> replicated = new ArrayList<>();
      for (PartitionMachine p : partitionMachines.values()) {
        List<BrokerSnapshot.QueueFigures> figures = p.inspect(BrokerSnapshot::queuesOf);
        if (figures != null) {
          replicated.addAll(figures);
        }
      }
      return nodeSnapshot.withQueues(replicated);
    });
  }

  /** The address the AMQP listener is bound to (useful when the configured port is 0). */
  public InetSocketAddress amqpAddress() {
    return amqp.address();
  }

  /** The address the Prometheus listener ({@code GET /metrics}) is bound to. */
  public InetSocketAddress metricsAddress() {
    return metrics.address();
  }

  /** The address the management API and web UI listener is bound to. */
  public InetSocketAddress managementAddress() {
    return management.address();
  }

  /**
   * Moves the memory high watermark (fraction of the maximum heap) at run time, like
   * {@code rabbitmqctl set_vm_memory_high_watermark}; publishers are blocked while use is above it.
   */
  public void setMemoryHighWatermark(double fraction) {
    memoryAlarm.setWatermark(fraction);
  }

  /** The leader of each Raft group as this node knows it (empty while unknown), by group name. */
  public Map<String, java.util.Optional<String>> leaders() {
    Map<String, java.util.Optional<String>> out = new TreeMap<>();
    for (String group : raft.groups()) {
      out.put(group, raft.leader(group));
    }
    return out;
  }

  /** The members of each Raft group as this node's replica knows them, by group name. */
  public Map<String, List<String>> groupMembers() {
    Map<String, List<String>> out = new TreeMap<>();
    for (String group : raft.groups()) {
      out.put(group, raft.members(group));
    }
    return out;
  }

  /**
   * Stops the node. Waits a bounded time for a start in progress: Ratis may end the JVM
   * ({@code System.exit}) from inside {@link #start()}, and the shutdown hook that closes the node
   * must not wait forever for that start to let go.
   */
  @Override
  public void close() {
    try {
      if (!lifecycle.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn("Node still starting after {} s; stopping without closing it", CLOSE_WAIT_SECONDS);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      closeLocked();
    } finally {
      lifecycle.unlock();
    }
  }

  private void closeLocked() {
    if (expiryTicker != null) {
      expiryTicker.close();
      expiryTicker = null;
    }
    if (failureDetector != null) {
      failureDetector.close();
      failureDetector = null;
    }
    if (minorityFence != null) {
      minorityFence.close();
      minorityFence = null;
    }
    if (management != null) {
      management.close();
      management = null;
    }
    if (metrics != null) {
      metrics.close();
      metrics = null;
    }
    if (amqp != null) {
      amqp.close();
      amqp = null;
    }
    // Raft before the broker thread: a metadata apply in progress waits for that thread.
    if (raft != null) {
      raft.close();
      raft = null;
    }
    if (commandLog != null) {
      commandLog.close();
      commandLog = null;
    }
    if (dataDirectory != null) {
      dataDirectory.close();
      dataDirectory = null;
    }
  }
  /** What {@code warrenctl add_member} and {@code remove_member} reach through the management API. */
  private final class NodeMembership implements MembershipControl {
    private final String self;

    NodeMembership(String self) {
      this.self = self;
    }

    @Override
    public ClusterMembers registry() {
      return members;
    }

    @Override
    public List<String> replicating() {
      return raft.members(ReplicatedCommandLog.META_GROUP);
    }

    @Override
    public CompletableFuture<Void> admit(String node) {
      return raft.submit(ReplicatedCommandLog.META_GROUP, new MembershipChange.Admit(node).encode())
          .thenApply(r -> null);
    }

    /**
     * Takes {@code node} out of the registry, hands back what its consumers held (as when it is
     * found down), then out of every group, the metadata group last.
     */
    @Override
    public CompletableFuture<Void> remove(String node) {
      if (node.equals(self)) {
        return CompletableFuture.failedFuture(new IllegalArgumentException(
            "node " + node + " cannot remove itself: run remove_member against another member"));
      }
      java.util.Optional<Integer> index = members.indexOf(node);
      CompletableFuture<?> chain = raft.submit(ReplicatedCommandLog.META_GROUP, new MembershipChange.Leave(node).encode());
      if (index.isPresent()) {
        chain = chain.thenCompose(r -> commandLog.submit(new Command.NodeDown(index.get())));
      }
      List<String> groups = new ArrayList<>(partitions);
      groups.add(ReplicatedCommandLog.META_GROUP);
      for (String group : groups) {
        chain = chain.thenCompose(r -> raft.members(group).contains(node)
            ? raft.removeMember(group, node)
            : CompletableFuture.completedFuture(null));
      }
      return chain.thenCompose(r -> spreadLeaders());
    }
  }
}
