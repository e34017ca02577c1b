package io.warren.model;

import io.warren.protocol.ReplyCode;
import io.warren.model.Command.AddVhost;
import io.warren.model.Command.Bind;
import io.warren.model.Command.Cancel;
import io.warren.model.Command.CloseChannel;
import io.warren.model.Command.CloseConnection;
import io.warren.model.Command.Consume;
import io.warren.model.Command.Credit;
import io.warren.model.Command.DeclareExchange;
import io.warren.model.Command.DeclareQueue;
import io.warren.model.Command.DeleteExchange;
import io.warren.model.Command.DeleteQueue;
import io.warren.model.Command.Enqueue;
import io.warren.model.Command.Get;
import io.warren.model.Command.OpenChannel;
import io.warren.model.Command.OpenConnection;
import io.warren.model.Command.Publish;
import io.warren.model.Command.PurgeQueue;
import io.warren.model.Command.Restarted;
import io.warren.model.Command.SetChannelPrefetch;
import io.warren.model.Command.SetFlow;
import io.warren.model.Command.Settle;
import io.warren.model.Command.Unbind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The broker as a deterministic state machine: {@link #apply} takes one command and returns the
 * reply and the effects to carry out. No I/O, clocks, threads or randomness; given the same
 * commands every replica reaches the same state and produces the same effects. Not thread-safe:
 * one thread applies.
 */
public final class Broker {
  public static final String DEFAULT_VHOST = "/";

  /** Queue arguments RabbitMQ compares when a queue is redeclared. */
  private static final List<String> EQUIVALENT_QUEUE_ARGS = List.of(
      "x-expires", "x-message-ttl", "x-max-length", "x-max-length-bytes", "x-max-priority",
      "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-overflow", "x-queue-mode",
      "x-single-active-consumer", "x-delivery-limit");

  private static final class ConnectionState {
    final String vhost;
    /** Who logged in; null where the connection is known only from its channels or a snapshot. */
    String user;
    final Set<ChannelRef> channels = new LinkedHashSet<>();
    final Set<QueueName> exclusiveQueues = new LinkedHashSet<>();

    ConnectionState(String vhost) {
      this.vhost = vhost;
    }
  }

  private final Map<String, VirtualHost> vhosts = new LinkedHashMap<>();
  /**
   * Users and permissions: an immutable value replaced at each change, volatile so that logins
   * and permission checks on other threads read the latest one without going through apply.
   */
  private volatile AccessControl access = AccessControl.EMPTY;
  private final Map<Long, ConnectionState> connections = new LinkedHashMap<>();
  private final Map<ChannelRef, ChannelState> channels = new HashMap<>();
  private final Router router;
  private final Policies policies = new Policies();
  /** Whether replicated queues here are routing stand-ins (their messages live in queue partitions). */
  private final boolean standIns;
  /**
   * This node's position in the cluster ({@link ConnectionIds#node}): a non-replicated queue
   * declared through another node is a stand-in here, whose publishes are relayed to that node.
   */
  private final int localNode;
  /** Whether other nodes share the topology (see {@link QueueState#isReplicated(boolean, boolean, boolean)}). */
  private final boolean clustered;
  private Changes changes = Changes.NONE;
  /** What queues report to: forwards to {@link #changes}, so the listener can be swapped later. */
  private final Changes relay = new Relay();
  private long nextMessageId = 1;
  /** Effects of the command being applied; allocated only when there are some. */
  private List<Effect> effects;
  /** Rewrites message properties when dead lettering or counting deliveries. */
  private final PropertiesCodec codec;
  /**
   * The time stamped on the command being applied (ms since the epoch), or the last one known
   * when a command comes without one (timestamp 0); 0 before any.
   */
  private long now;
  private final QueueHost host = new Host();

  /**
   * A broker that holds every queue's messages itself (a queue partition, or a broker on its own)
   * and never rewrites a message: for tests that do not dead-letter or count deliveries.
   */
  public Broker() {
    this(false, 0, false, PropertiesCodec.UNSUPPORTED);
  }

  /** A broker that holds every queue's messages itself: a queue partition, or a broker on its own. */
  public Broker(PropertiesCodec codec) {
    this(false, 0, false, codec);
  }

  private Broker(boolean standIns, int localNode, boolean clustered, PropertiesCodec codec) {
    this.standIns = standIns;
    this.localNode = localNode;
    this.clustered = clustered;
    this.codec = codec;
    this.router = new Router(codec);
    vhosts.put(DEFAULT_VHOST, new VirtualHost(DEFAULT_VHOST));
  }

  /**
   * A node's broker: it routes every publish and holds the non-replicated queues; each replicated
   * queue is a stand-in here, and a publish that reaches one is answered with {@link
   * Reply.Forward} for the command log to enqueue it in the queue's partition.
   */
  public static Broker withReplicatedStandIns(PropertiesCodec codec) {
    return new Broker(true, 0, false, codec);
  }

  /** {@link #withReplicatedStandIns(PropertiesCodec)} without rewriting messages (for tests). */
  public static Broker withReplicatedStandIns() {
    return withReplicatedStandIns(PropertiesCodec.UNSUPPORTED);
  }

  /**
   * A cluster node's broker ({@link #withReplicatedStandIns(PropertiesCodec)}) at position {@code
   * localNode}: non-replicated queues declared through other nodes are stand-ins here too,
   * answered with {@link Reply.Forward#remote()}.
   */
  public static Broker forClusterNode(int localNode, PropertiesCodec codec) {
    return new Broker(true, localNode, true, codec);
  }

  /** {@link #forClusterNode(int, PropertiesCodec)} without rewriting messages (for tests). */
  public static Broker forClusterNode(int localNode) {
    return forClusterNode(localNode, PropertiesCodec.UNSUPPORTED);
  }

  /** Reports state changes to {@code listener} from now on (see {@link Changes}). */
  public void setChanges(Changes listener) {
    this.changes = listener;
  }

  /** The id the next enqueued message gets (a replica stores it to carry on after a restart). */
  public long nextMessageId() {
    return nextMessageId;
  }

  /** Restart: carry on numbering messages from {@code id}. */
  public void restoreNextMessageId(long id) {
    nextMessageId = Math.max(nextMessageId, id);
  }

  /**
   * Restart: puts a stored message back in its queue, ready. Call per queue in increasing id
   * order, after the queue was declared; nothing is reported to {@link Changes}.
   */
  public void restoreMessage(QueueName queue, long id, Message message, boolean redelivered) {
    restoreMessage(queue, id, message, redelivered, QueueState.NEVER, 0);
  }

  /**
   * Restart: as {@link #restoreMessage(QueueName, long, Message, boolean)}, with the expiry time
   * ({@link Changes#messageExpires}; {@link Long#MAX_VALUE} for none) and the delivery count
   * ({@link Changes#deliveryCounted}) the message had.
   */
  public void restoreMessage(QueueName queue, long id, Message message, boolean redelivered, long expiresAt,
      int deliveryCount) {
    QueueState q = queue(queue).orElseThrow(() -> new IllegalStateException("no " + queue + " to restore into"));
    q.restore(id, message, redelivered, expiresAt, deliveryCount);
    nextMessageId = Math.max(nextMessageId, id + 1);
  }

  /** The clients as the queues know them; see {@link ClientsSnapshot}. */
  public ClientsSnapshot exportClients() {
    // Every consumer a snapshot refers to, by identity: live ones in channel order, then cancelled
    // ones whose deliveries are still held.
    Map<ChannelRef, List<ConsumerState>> byChannel = new HashMap<>();
    Map<ConsumerState, ClientsSnapshot.ConsumerRef> refs = new java.util.IdentityHashMap<>();
    java.util.function.Consumer<ConsumerState> number = c -> refs.computeIfAbsent(c, k -> {
      List<ConsumerState> list = byChannel.computeIfAbsent(k.channel.ref, r -> new ArrayList<>());
      list.add(k);
      return new ClientsSnapshot.ConsumerRef(k.channel.ref, list.size() - 1);
    });
    connections.values().forEach(conn -> conn.channels.forEach(ref -> channels.get(ref).consumers.values().forEach(number)));
    List<QueueState> allQueues = new ArrayList<>();
    vhosts.values().forEach(vh -> allQueues.addAll(vh.queues.values()));
    List<ConsumerState> heldBy = new ArrayList<>();
    allQueues.forEach(q -> q.heldConsumers(heldBy::add));
    heldBy.stream().sorted(java.util.Comparator.comparing((ConsumerState c) -> c.channel.ref.connection())
            .thenComparing(c -> c.channel.ref.channel()).thenComparing(c -> c.tag))
        .forEach(number);

    List<ClientsSnapshot.Connection> conns = new ArrayList<>(connections.size());
    connections.forEach((id, conn) -> {
      List<ClientsSnapshot.Channel> chans = new ArrayList<>(conn.channels.size());
      for (ChannelRef ref : conn.channels) {
        ChannelState ch = channels.get(ref);
        List<ClientsSnapshot.Consumer> consumers = new ArrayList<>();
        byChannel.getOrDefault(ref, List.of()).forEach(c -> consumers.add(new ClientsSnapshot.Consumer(c.tag,
            c.queue.name(), c.noAck, c.exclusive, c.prefetch, c.credit, c.unacked, c.arguments, c.cancelled)));
        chans.add(new ClientsSnapshot.Channel(ref, ch.prefetch, ch.unacked, ch.flowActive, consumers,
            ch.queues.stream().map(QueueState::name).toList()));
      }
      conns.add(new ClientsSnapshot.Connection(id, conn.vhost, chans));
    });
    return new ClientsSnapshot(conns, allQueues.stream().map(q -> q.clients(refs::get)).toList());
  }

  /**
   * Restart: brings back the clients of a {@link ClientsSnapshot} taken at the same log index as
   * the stored messages, after the queues and their messages are restored (those messages come
   * back ready; the ones channels held go back to them here). Nothing is reported to {@link Changes}.
   */
  public void restoreClients(ClientsSnapshot snapshot) {
    Map<ClientsSnapshot.ConsumerRef, ConsumerState> consumers = new HashMap<>();
    for (ClientsSnapshot.Connection c : snapshot.connections()) {
      ConnectionState conn = new ConnectionState(c.vhost());
      connections.put(c.id(), conn);
      for (ClientsSnapshot.Channel saved : c.channels()) {
        ChannelState ch = new ChannelState(saved.ref());
        ch.prefetch = saved.prefetch();
        ch.unacked = saved.unacked();
        ch.flowActive = saved.flowActive();
        channels.put(saved.ref(), ch);
        conn.channels.add(saved.ref());
        for (int i = 0; i < saved.consumers().size(); i++) {
          ClientsSnapshot.Consumer k = saved.consumers().get(i);
          QueueState q = queue(k.queue()).orElseThrow(() -> new IllegalStateException("no " + k.queue() + " for a consumer"));
          ConsumerState consumer = new ConsumerState(ch, k.tag(), q, k.noAck(), k.exclusive(), k.prefetch(), k.credit(),
              k.arguments());
          consumer.unacked = k.unacked();
          consumer.cancelled = k.cancelled();
          if (!k.cancelled()) {
            ch.consumers.put(k.tag(), consumer);
          }
          consumers.put(new ClientsSnapshot.ConsumerRef(saved.ref(), i), consumer);
        }
        for (QueueName name : saved.queues()) {
          ch.queues.add(queue(name).orElseThrow(() -> new IllegalStateException("no " + name + " for a channel")));
        }
      }
    }
    for (ClientsSnapshot.Queue saved : snapshot.queues()) {
      QueueState q = queue(saved.name()).orElseThrow(() -> new IllegalStateException("no " + saved.name() + " to restore"));
      q.restoreClients(saved, ref -> {
        ConsumerState c = consumers.get(ref);
        if (c == null) {
          throw new IllegalStateException("unknown consumer " + ref + " of " + saved.name());
        }
        return c;
      }, ref -> {
        ChannelState ch = channels.get(ref);
        if (ch == null) {
          throw new IllegalStateException("unknown channel " + ref + " holding messages of " + saved.name());
        }
        return ch;
      });
    }
  }

  /**
   * Catching up from a snapshot of recorded topology: removes the exchanges, queues and bindings
   * that are not in it (deleted since this copy was taken elsewhere), with the usual cascades;
   * what is in it is then redeclared by the caller. The predeclared exchanges stay.
   *
   * @return the effects (consumers of removed queues cancelled)
   */
  public List<Effect> retainTopology(Set<ExchangeName> exchanges, Set<QueueName> queues, Set<Binding> bindings) {
    effects = null;
    try {
      retain(exchanges, queues, bindings);
      return effects == null ? List.of() : effects;
    } finally {
      effects = null;
    }
  }

  private void retain(Set<ExchangeName> exchanges, Set<QueueName> queues, Set<Binding> bindings) {
    for (VirtualHost vh : vhosts.values()) {
      for (Exchange x : List.copyOf(vh.exchanges.values())) {
        for (Binding b : List.copyOf(x.bindings())) {
          if (!bindings.contains(b)) {
            x.remove(b);
            vh.unindexBinding(b);
            changes.bindingRemoved(b);
          }
        }
      }
      for (QueueState q : List.copyOf(vh.queues.values())) {
        if (!queues.contains(q.name()) && vh.queues.get(q.name().name()) == q) {
          removeQueue(vh, q);
        }
      }
      for (Exchange x : List.copyOf(vh.exchanges.values())) {
        if (!exchanges.contains(x.name()) && !VirtualHost.PREDECLARED.containsKey(x.name().name())
            && vh.exchanges.get(x.name().name()) == x) {
          removeExchange(vh, x);
        }
      }
    }
  }

  /** Applies one command. A refused command changes nothing and has no effects. */
  public Result apply(Meta meta, Command command) {
    effects = null;
    if (meta.timestamp() != 0) {
      now = meta.timestamp();
    }
    try {
      Reply reply = dispatch(command);
      List<Effect> out = effects == null ? List.of() : effects;
      return new Result(reply, out);
    } catch (AmqpFailure failure) {
      return Result.of(Reply.failure(failure));
    } finally {
      effects = null;
    }
  }

  private Reply dispatch(Command command) {
    // Ordered roughly by frequency: the hot path is publish / settle / credit.
    if (command instanceof Publish c) {
      return publish(c);
    } else if (command instanceof Enqueue c) {
      return enqueue(c);
    } else if (command instanceof Settle c) {
      return settle(c);
    } else if (command instanceof Credit c) {
      return credit(c);
    } else if (command instanceof Get c) {
      return get(c);
    } else if (command instanceof Consume c) {
      return consume(c);
    } else if (command instanceof Cancel c) {
      return cancel(c);
    } else if (command instanceof DeclareQueue c) {
      return declareQueue(c);
    } else if (command instanceof DeleteQueue c) {
      return deleteQueue(c);
    } else if (command instanceof PurgeQueue c) {
      return purgeQueue(c);
    } else if (command instanceof Bind c) {
      return bind(c);
    } else if (command instanceof Unbind c) {
      return unbind(c);
    } else if (command instanceof DeclareExchange c) {
      return declareExchange(c);
    } else if (command instanceof DeleteExchange c) {
      return deleteExchange(c);
    } else if (command instanceof OpenConnection c) {
      return openConnection(c);
    } else if (command instanceof CloseConnection c) {
      return closeConnection(c);
    } else if (command instanceof OpenChannel c) {
      channel(c.channel());
      return Reply.OK;
    } else if (command instanceof CloseChannel c) {
      return closeChannel(c.channel());
    } else if (command instanceof SetChannelPrefetch c) {
      ChannelState ch = channel(c.channel());
      ch.prefetch = c.prefetch();
      checkoutAll(ch);
      return Reply.OK;
    } else if (command instanceof SetFlow c) {
      ChannelState ch = channel(c.channel());
      ch.flowActive = c.active();
      checkoutAll(ch);
      return Reply.OK;
    } else if (command instanceof Command.Sync) {
      return Reply.OK;
    } else if (command instanceof AddVhost c) {
      if (!vhosts.containsKey(c.vhost())) {
        vhosts.put(c.vhost(), new VirtualHost(c.vhost()));
        changes.vhostAdded(c.vhost());
      }
      return Reply.OK;
    } else if (command instanceof Command.DeleteVhost c) {
      return deleteVhost(c);
    } else if (command instanceof Command.AccessCommand c) {
      access = access.apply(c, vhosts::containsKey, changes);
      if (c instanceof Command.DeleteUser d) {
        revokeConnections(conn -> d.name().equals(conn.user), "user '" + d.name() + "' is deleted");
      }
      return Reply.OK;
    } else if (command instanceof Command.Relay c) {
      out().add(new Effect.Relayed(c.queues(), c.message()));
      return Reply.ROUTED;
    } else if (command instanceof Command.Withdraw c) {
      VirtualHost vh = vhosts.get(c.name().vhost());
      QueueState q = vh == null ? null : vh.queues.get(c.name().name());
      if (q != null && livesOnOneNode(q) && q.declarer() == c.declarer()) {
        removeQueue(vh, q);
      }
      return Reply.OK;
    } else if (command instanceof Command.SetPolicy c) {
      return setPolicy(c.policy());
    } else if (command instanceof Command.ClearPolicy c) {
      return clearPolicy(c.vhost(), c.name());
    } else if (command instanceof Command.Tick) {
      return tick();
    } else if (command instanceof Command.DeadLetter c) {
      return deadLetter(c);
    } else if (command instanceof Restarted c) {
      return restarted(c);
    } else if (command instanceof Command.NodeDown c) {
      return nodeDown(c);
    }
    throw new IllegalArgumentException("unknown command " + command);
  }

  // ---------------------------------------------------------------- policies

  private Reply setPolicy(Policy p) {
    policies.put(p);
    changes.policySet(p);
    reapplyPolicies(p.vhost());
    return Reply.OK;
  }

  private Reply clearPolicy(String vhost, String name) {
    if (policies.remove(vhost, name)) {
      changes.policyCleared(vhost, name);
      reapplyPolicies(vhost);
    }
    return Reply.OK;
  }

  /** Every queue of the vhost takes the policy that now applies to it (effects: what that drops). */
  private void reapplyPolicies(String vhost) {
    VirtualHost vh = vhosts.get(vhost);
    if (vh != null) {
      for (QueueState q : List.copyOf(vh.queues.values())) {
        q.applyPolicy(policies.forQueue(q.name()));
      }
    }
  }

  /** The policies, read-only; for inspection on the thread that applies commands. */
  public Policies policies() {
    return policies;
  }

  // ---------------------------------------------------------------- inspection

  /** Users and permissions; safe to call from any thread (an immutable value). */
  public AccessControl access() {
    return access;
  }

  /** Restoring from stored records: users and permissions start empty and the records refill them. */
  public void resetAccess() {
    access = AccessControl.EMPTY;
  }

  /** Every virtual host, read-only; for inspection on the thread that applies commands. */
  public Collection<VirtualHost> vhosts() {
    return Collections.unmodifiableCollection(vhosts.values());
  }

  /**
   * The earliest time (ms since the epoch) a {@link Command.Tick} has something to do in the queues
   * held here: a message at a queue's head expires, or a queue's {@code x-expires} lease ends;
   * {@link Long#MAX_VALUE} when nothing is due. Stand-ins are not looked at: their partitions tick.
   */
  public long nextDeadline() {
    long next = QueueState.NEVER;
    for (VirtualHost vh : vhosts.values()) {
      for (QueueState q : vh.queues.values()) {
        if (q.holdsMessages()) {
          next = Math.min(next, q.nextDeadline());
        }
      }
    }
    return next;
  }

  /** Connections the model knows (opened and not yet closed). */
  public int connectionCount() {
    return connections.size();
  }

  /** Channels the model knows across all connections. */
  public int channelCount() {
    return channels.size();
  }

  public Optional<VirtualHost> vhost(String name) {
    return Optional.ofNullable(vhosts.get(name));
  }

  public Optional<QueueState> queue(QueueName name) {
    VirtualHost vh = vhosts.get(name.vhost());
    return vh == null ? Optional.empty() : Optional.ofNullable(vh.queues.get(name.name()));
  }

  public Optional<Exchange> exchange(ExchangeName name) {
    VirtualHost vh = vhosts.get(name.vhost());
    return vh == null ? Optional.empty() : Optional.ofNullable(vh.exchanges.get(name.name()));
  }

  /** Bindings whose destination is {@code destination}. */
  public Set<Binding> bindingsTo(Resource destination) {
    VirtualHost vh = vhosts.get(destination.vhost());
    Set<Binding> set = vh == null ? null : vh.bindingsTo.get(destination);
    return set == null ? Set.of() : Collections.unmodifiableSet(set);
  }

  // ---------------------------------------------------------------- connections and channels

  private Reply openConnection(OpenConnection c) {
    if (!vhosts.containsKey(c.vhost())) {
      throw new AmqpFailure(ReplyCode.NOT_ALLOWED, "vhost " + c.vhost() + " not found");
    }
    connections.putIfAbsent(c.connection(), new ConnectionState(c.vhost()));
    connections.get(c.connection()).user = c.user();
    return Reply.OK;
  }

  /** Closes the connections {@code which} selects here and tells their nodes to drop the clients. */
  private void revokeConnections(java.util.function.Predicate<ConnectionState> which, String reason) {
    for (Map.Entry<Long, ConnectionState> e : List.copyOf(connections.entrySet())) {
      if (which.test(e.getValue())) {
        closeConnection(new CloseConnection(e.getKey()));
        out().add(new Effect.ConnectionRevoked(e.getKey(), reason));
      }
    }
  }

  private Reply deleteVhost(Command.DeleteVhost c) {
    VirtualHost vh = vhostOf(c.vhost());
    revokeConnections(conn -> c.vhost().equals(conn.vhost), "vhost '" + c.vhost() + "' is deleted");
    for (QueueState q : List.copyOf(vh.queues.values())) {
      if (vh.queues.get(q.name().name()) == q) {
        removeQueue(vh, q);
      }
    }
    for (Exchange x : List.copyOf(vh.exchanges.values())) {
      if (vh.exchanges.get(x.name().name()) == x) {
        removeExchange(vh, x);
      }
    }
    vhosts.remove(c.vhost());
    access = access.withoutVhost(c.vhost(), changes);
    changes.vhostRemoved(c.vhost());
    return Reply.OK;
  }

  private Reply closeConnection(CloseConnection c) {
    ConnectionState conn = connections.remove(c.connection());
    if (conn == null) {
      return Reply.OK;
    }
    for (ChannelRef ref : List.copyOf(conn.channels)) {
      closeChannel(ref);
    }
    for (QueueName q : List.copyOf(conn.exclusiveQueues)) {
      VirtualHost vh = vhosts.get(q.vhost());
      QueueState queue = vh == null ? null : vh.queues.get(q.name());
      if (queue != null) {
        removeQueue(vh, queue);
      }
    }
    return Reply.OK;
  }

  private Reply restarted(Restarted c) {
    int node = ConnectionIds.node(c.firstLiveConnection());
    if (c.dropTransient()) {
      // A single node: its queues restarted with it, so an auto-delete one has had no consumer in
      // this run and stays when the consumers of the last run are closed below, as in RabbitMQ.
      vhosts.values().forEach(vh -> vh.queues.values().forEach(QueueState::forgetConsumersHad));
    }
    for (Long id : List.copyOf(connections.keySet())) {
      if (ConnectionIds.node(id) == node && id < c.firstLiveConnection()) {
        closeConnection(new CloseConnection(id));
      }
    }
    removeNonReplicatedQueues(id -> ConnectionIds.node(id) == node && id < c.firstLiveConnection());
    for (VirtualHost vh : vhosts.values()) {
      for (QueueState q : vh.queues.values()) {
        if (c.dropTransient()) {
          q.dropTransient();
        }
        q.touch(); // the x-expires leases of durable queues start again after a restart, as in RabbitMQ
      }
    }
    return Reply.OK;
  }

  /** Time passes: expired messages at queue heads go, queues unused for their x-expires are deleted. */
  private Reply tick() {
    for (VirtualHost vh : vhosts.values()) {
      for (QueueState q : List.copyOf(vh.queues.values())) {
        if (!q.holdsMessages()) {
          continue;
        }
        q.tick();
        if (q.unusedTooLong()) {
          autoDelete(vh, q);
        }
      }
    }
    return Reply.OK;
  }

  private Reply nodeDown(Command.NodeDown c) {
    for (Long id : List.copyOf(connections.keySet())) {
      if (ConnectionIds.node(id) == c.node()) {
        closeConnection(new CloseConnection(id));
        out().add(new Effect.ConnectionForced(id));
      }
    }
    removeNonReplicatedQueues(id -> ConnectionIds.node(id) == c.node());
    return Reply.OK;
  }

  /**
   * Non-replicated queues vanish with the node (run) whose connection declared them, as RabbitMQ's
   * transient queues do with their node: here, and as stand-ins on the other nodes of a cluster.
   */
  /** A node's non-replicated queue (held here or a stand-in); a queue partition holds none. */
  private boolean livesOnOneNode(QueueState q) {
    return standIns && !q.replicated();
  }

  private void removeNonReplicatedQueues(java.util.function.LongPredicate declaredBy) {
    for (VirtualHost vh : vhosts.values()) {
      for (QueueState q : List.copyOf(vh.queues.values())) {
        if (livesOnOneNode(q) && declaredBy.test(q.declarer()) && vh.queues.get(q.name().name()) == q) {
          removeQueue(vh, q);
        }
      }
    }
  }

  private ChannelState channel(ChannelRef ref) {
    ChannelState ch = channels.get(ref);
    if (ch == null) {
      ch = new ChannelState(ref);
      channels.put(ref, ch);
      connections.computeIfAbsent(ref.connection(), id -> new ConnectionState(DEFAULT_VHOST)).channels.add(ref);
    }
    return ch;
  }

  private Reply closeChannel(ChannelRef ref) {
    ChannelState ch = channels.remove(ref);
    if (ch == null) {
      return Reply.OK;
    }
    ConnectionState conn = connections.get(ref.connection());
    if (conn != null) {
      conn.channels.remove(ref);
    }
    // Consumers go first, so what the channel held is not handed straight back to it.
    for (ConsumerState c : ch.consumers.values()) {
      c.queue.removeConsumer(c);
    }
    ch.consumers.clear();
    for (QueueState q : ch.queues) {
      q.returnAll(ch);
    }
    for (QueueState q : ch.queues) {
      VirtualHost vh = vhosts.get(q.name().vhost());
      if (vh == null || vh.queues.get(q.name().name()) != q) {
        continue; // deleted meanwhile (auto-delete cascade)
      }
      if (q.shouldAutoDelete()) {
        autoDelete(vh, q);
      } else {
        q.checkout(out());
      }
    }
    return Reply.OK;
  }

  /** Capacity or flow of a channel changed: every queue it consumes from may deliver again. */
  private void checkoutAll(ChannelState ch) {
    for (QueueState q : ch.queues) {
      q.checkout(out());
    }
  }

  // ---------------------------------------------------------------- exchanges

  private VirtualHost vhostOf(String name) {
    VirtualHost vh = vhosts.get(name);
    if (vh == null) {
      throw new AmqpFailure(ReplyCode.NOT_ALLOWED, "vhost " + name + " not found");
    }
    return vh;
  }

  private static AmqpFailure defaultExchangeRefused() {
    return AmqpFailure.accessRefused("operation not permitted on the default exchange");
  }

  private Exchange exchangeOrDie(VirtualHost vh, ExchangeName name) {
    Exchange x = vh.exchanges.get(name.name());
    if (x == null) {
      throw AmqpFailure.notFound(name);
    }
    return x;
  }

  private Reply declareExchange(DeclareExchange c) {
    VirtualHost vh = vhostOf(c.name().vhost());
    if (c.name().isDefault()) {
      throw defaultExchangeRefused();
    }
    Exchange existing = vh.exchanges.get(c.name().name());
    if (c.passive()) {
      if (existing == null) {
        throw AmqpFailure.notFound(c.name());
      }
      return Reply.OK;
    }
    ExchangeType type = ExchangeType.fromWire(c.type()).orElseThrow(() ->
        new AmqpFailure(ReplyCode.COMMAND_INVALID, "unknown exchange type '" + c.type() + "'"));
    if (existing != null) {
      Resource r = c.name();
      assertField(r, "type", c.type(), existing.type().wireName());
      assertField(r, "durable", c.durable(), existing.durable());
      assertField(r, "auto_delete", c.autoDelete(), existing.autoDelete());
      assertField(r, "internal", c.internal(), existing.internal());
      assertArgs(r, List.of("alternate-exchange"), c.arguments(), existing.arguments());
      return Reply.OK;
    }
    if (c.name().name().startsWith("amq.")) {
      throw AmqpFailure.accessRefused(
          "exchange name '" + c.name().name() + "' contains reserved prefix 'amq.*'");
    }
    type.validate(c.arguments());
    Exchange x = new Exchange(c.name(), type, c.durable(), c.autoDelete(), c.internal(), c.arguments());
    vh.exchanges.put(c.name().name(), x);
    changes.exchangeAdded(x);
    return Reply.OK;
  }

  private Reply deleteExchange(DeleteExchange c) {
    VirtualHost vh = vhostOf(c.name().vhost());
    if (c.name().isDefault()) {
      throw defaultExchangeRefused();
    }
    if (c.name().name().startsWith("amq.")) {
      throw AmqpFailure.accessRefused("deletion of system " + c.name() + " not allowed");
    }
    Exchange x = vh.exchanges.get(c.name().name());
    if (x == null) {
      return Reply.OK; // deleting what is not there succeeds, as in RabbitMQ
    }
    if (c.ifUnused() && !x.bindings().isEmpty()) {
      throw AmqpFailure.precondition(c.name() + " in use");
    }
    removeExchange(vh, x);
    return Reply.OK;
  }

  private void removeExchange(VirtualHost vh, Exchange x) {
    vh.exchanges.remove(x.name().name());
    for (Binding b : List.copyOf(x.bindings())) {
      x.remove(b);
      vh.unindexBinding(b);
      changes.bindingRemoved(b);
    }
    removeBindingsTo(vh, x.name());
    changes.exchangeRemoved(x);
  }

  /** Removes every binding to a destination that is going away; auto-delete sources may follow. */
  private void removeBindingsTo(VirtualHost vh, Resource destination) {
    Set<Binding> to = vh.bindingsTo.remove(destination);
    if (to == null) {
      return;
    }
    for (Binding b : to) {
      Exchange source = vh.exchanges.get(b.source().name());
      if (source != null) {
        source.remove(b);
        changes.bindingRemoved(b);
        maybeAutoDelete(vh, source);
      }
    }
  }

  private void maybeAutoDelete(VirtualHost vh, Exchange x) {
    if (x.autoDelete() && x.bindings().isEmpty() && vh.exchanges.get(x.name().name()) == x) {
      removeExchange(vh, x);
    }
  }

  // ---------------------------------------------------------------- bindings

  private Reply bind(Bind c) {
    VirtualHost vh = vhostOf(c.source().vhost());
    Binding b = checkBinding(vh, c.source(), c.destination(), c.routingKey(), c.arguments(), c.connection());
    Exchange source = vh.exchanges.get(c.source().name());
    source.validate(b);
    if (source.add(b)) {
      vh.indexBinding(b);
      changes.bindingAdded(b);
    }
    return Reply.OK;
  }

  private Reply unbind(Unbind c) {
    VirtualHost vh = vhostOf(c.source().vhost());
    Binding b = checkBinding(vh, c.source(), c.destination(), c.routingKey(), c.arguments(), c.connection());
    Exchange source = vh.exchanges.get(c.source().name());
    if (source.remove(b)) {
      vh.unindexBinding(b);
      changes.bindingRemoved(b);
      maybeAutoDelete(vh, source);
    }
    return Reply.OK;
  }

  private Binding checkBinding(VirtualHost vh, ExchangeName source, Resource destination, String key, Arguments args,
      long connection) {
    if (source.isDefault() || (destination instanceof ExchangeName x && x.isDefault())) {
      throw defaultExchangeRefused();
    }
    exchangeOrDie(vh, source);
    if (destination instanceof QueueName q) {
      checkExclusiveAccess(queueOrDie(vh, q), connection);
    } else {
      exchangeOrDie(vh, (ExchangeName) destination);
    }
    return new Binding(source, destination, key, args);
  }

  // ---------------------------------------------------------------- queues

  private QueueState queueOrDie(VirtualHost vh, QueueName name) {
    QueueState q = vh.queues.get(name.name());
    if (q == null) {
      throw AmqpFailure.notFound(name);
    }
    return q;
  }

  private static AmqpFailure locked(QueueName name) {
    return new AmqpFailure(ReplyCode.RESOURCE_LOCKED, "cannot obtain exclusive access to locked " + name
        + ". It could be originally declared on another connection or the exclusive property value does not"
        + " match that of the original declaration.");
  }

  /**
   * A non-replicated queue's messages and consumers are on the node that declared it; through
   * another node it can be published to, not consumed from.
   */
  private static void checkMessagesHere(QueueState q) {
    if (q.remote()) {
      throw new AmqpFailure(ReplyCode.RESOURCE_LOCKED, "cannot use " + q.name()
          + " through this node: it is not durable, so it lives on the node it was declared through"
          + " (connect there to consume, get or purge)");
    }
  }

  /** An exclusive queue may be used only by the connection that declared it. */
  private static void checkExclusiveAccess(QueueState q, long connection) {
    if (q.exclusive() && q.owner() != connection) {
      throw locked(q.name());
    }
  }

  private Reply declareQueue(DeclareQueue c) {
    VirtualHost vh = vhostOf(c.name().vhost());
    QueueType type = c.passive() ? null : QueueType.of(c.name(), c.arguments());
    QueueSettings settings = c.passive() ? null : QueueSettings.of(c.name(), c.arguments());
    QueueState existing = vh.queues.get(c.name().name());
    if (existing != null) {
      checkExclusiveAccess(existing, c.connection());
      if (!c.passive()) {
        if (c.exclusive() != existing.exclusive()) {
          throw locked(c.name());
        }
        assertField(c.name(), "durable", c.durable(), existing.durable());
        assertField(c.name(), "auto_delete", c.autoDelete(), existing.autoDelete());
        QueueType.assertEquivalent(c.name(), c.arguments(), existing.arguments());
        assertArgs(c.name(), EQUIVALENT_QUEUE_ARGS, c.arguments(), existing.arguments());
      }
      existing.touch(); // any declare renews the x-expires lease, a passive one too (as in RabbitMQ)
      return new Reply.QueueDeclared(c.name().name(), existing.visibleReadyCount(), existing.consumerCount());
    }
    if (c.passive()) {
      throw AmqpFailure.notFound(c.name());
    }
    if (!c.serverNamed() && c.name().name().startsWith("amq.")) {
      throw AmqpFailure.accessRefused("queue name '" + c.name().name() + "' contains reserved prefix 'amq.*'");
    }
    type.checkNew(c.name(), c.durable(), c.exclusive(), c.autoDelete(), c.serverNamed());
    long owner = c.exclusive() ? c.connection() : 0;
    boolean standIn = standIns && QueueState.isReplicated(c.durable(), c.exclusive(), clustered);
    boolean remote = standIns && !standIn && ConnectionIds.node(c.connection()) != localNode;
    QueueState q = new QueueState(c.name(), c.durable(), c.autoDelete(), c.arguments(), settings, owner, standIn,
        c.connection(), remote, relay, host);
    vh.queues.put(c.name().name(), q);
    q.applyPolicy(policies.forQueue(c.name()));
    changes.queueAdded(q);
    if (owner != 0 && !remote) {
      connections.computeIfAbsent(owner, id -> new ConnectionState(vh.name())).exclusiveQueues.add(c.name());
    }
    return new Reply.QueueDeclared(c.name().name(), 0, 0);
  }

  private Reply deleteQueue(DeleteQueue c) {
    VirtualHost vh = vhostOf(c.name().vhost());
    QueueState q = vh.queues.get(c.name().name());
    if (q == null) {
      return new Reply.MessageCount(0); // idempotent, as in RabbitMQ
    }
    checkExclusiveAccess(q, c.connection());
    if (c.ifUnused() && q.consumerCount() > 0) {
      throw AmqpFailure.precondition(c.name() + " in use");
    }
    if (c.ifEmpty() && q.readyCount() > 0) {
      throw AmqpFailure.precondition(c.name() + " not empty");
    }
    int count = q.readyCount();
    removeQueue(vh, q);
    return new Reply.MessageCount(count);
  }

  /** A queue deletes itself (x-expires, or auto-delete): the metadata must follow (see the effect). */
  private void autoDelete(VirtualHost vh, QueueState q) {
    removeQueue(vh, q);
    out().add(new Effect.QueueAutoDeleted(q.name()));
  }

  /**
   * Deletes a queue: its consumers are cancelled (with a notification to their channels), what
   * channels held from it is forgotten, its bindings go (auto-delete exchanges may follow).
   */
  private void removeQueue(VirtualHost vh, QueueState q) {
    vh.queues.remove(q.name().name());
    for (ConsumerState c : q.consumers()) {
      q.removeConsumer(c);
      c.channel.consumers.remove(c.tag);
      out().add(new Effect.ConsumerCancelled(c.channel.ref, c.tag, q.name()));
    }
    q.reportAllRemoved();
    List<ChannelState> released = q.releaseAllHeld();
    for (ChannelState ch : channels.values()) {
      ch.queues.remove(q);
    }
    if (q.exclusive()) {
      ConnectionState owner = connections.get(q.owner());
      if (owner != null) {
        owner.exclusiveQueues.remove(q.name());
      }
    }
    removeBindingsTo(vh, q.name());
    changes.queueRemoved(q);
    for (ChannelState ch : released) {
      if (ch.prefetch > 0) {
        checkoutAll(ch);
      }
    }
  }

  private Reply purgeQueue(PurgeQueue c) {
    VirtualHost vh = vhostOf(c.name().vhost());
    QueueState q = queueOrDie(vh, c.name());
    checkExclusiveAccess(q, c.connection());
    checkMessagesHere(q);
    return new Reply.MessageCount(q.purge());
  }

  // ---------------------------------------------------------------- publish and routing

  private Reply publish(Publish c) {
    VirtualHost vh = vhostOf(c.vhost());
    Message m = c.message();
    Exchange x = vh.exchanges.get(m.exchange());
    if (x == null) {
      throw AmqpFailure.notFound(new ExchangeName(c.vhost(), m.exchange()));
    }
    if (x.internal()) {
      throw AmqpFailure.accessRefused("cannot publish to internal " + x.name());
    }
    List<QueueState> targets = router.route(vh, x, m);
    return enqueueRouted(targets, SenderSelected.withoutBcc(m, codec));
  }

  /**
   * A dead letter goes through its dead-letter exchange like a publish, but a missing exchange
   * drops it silently, an internal one takes it, and queues it would reach round a cycle of
   * automatic dead lettering do not.
   */
  private Reply deadLetter(Command.DeadLetter c) {
    VirtualHost vh = vhosts.get(c.vhost());
    Message m = c.message();
    Exchange x = vh == null ? null : vh.exchanges.get(m.exchange());
    if (x == null) {
      return Reply.UNROUTED;
    }
    List<QueueState> targets = router.route(vh, x, m);
    targets.removeIf(q -> DeadLetters.isCycle(m.headers(), q.name().name()));
    return enqueueRouted(targets, m);
  }

  /**
   * Enqueues a routed message in the queues held here; replicated ones are left to the command log
   * ({@link Reply.Forward}, with the message as stored: sender-selected distribution may have
   * changed it). A queue at its length limit may refuse it ({@link Reply#QUEUE_FULL}).
   */
  private Reply enqueueRouted(List<QueueState> targets, Message m) {
    if (targets.isEmpty()) {
      return Reply.UNROUTED;
    }
    List<QueueName> forward = null;
    List<QueueName> remote = null;
    boolean routedHere = false;
    boolean refused = false;
    long id = nextMessageId++;
    for (QueueState q : targets) {
      if (q.replicated()) {
        if (forward == null) {
          forward = new ArrayList<>(2);
        }
        forward.add(q.name());
      } else if (q.remote()) {
        if (remote == null) {
          remote = new ArrayList<>(2);
        }
        remote.add(q.name());
      } else if (q.enqueue(id, m, out())) {
        routedHere = true;
      } else {
        refused = true;
      }
    }
    if (forward != null || remote != null) {
      return new Reply.Forward(forward == null ? List.of() : forward, remote == null ? List.of() : remote, routedHere,
          refused, m);
    }
    return refused ? Reply.QUEUE_FULL : Reply.ROUTED;
  }

  /** A queue partition's share of a routed publish: the queues are named, no exchange is involved. */
  private Reply enqueue(Enqueue c) {
    long id = nextMessageId++;
    boolean routed = false;
    boolean refused = false;
    for (QueueName name : c.queues()) {
      VirtualHost vh = vhosts.get(name.vhost());
      QueueState q = vh == null ? null : vh.queues.get(name.name());
      if (q == null || !q.holdsMessages()) {
        continue;
      }
      if (q.enqueue(id, c.message(), out())) {
        routed = true;
      } else {
        refused = true;
      }
    }
    return refused ? Reply.QUEUE_FULL : routed ? Reply.ROUTED : Reply.UNROUTED;
  }

  /**
   * Finds the queues a message goes to, following exchange-to-exchange bindings and alternate
   * exchanges. Each routing pass has an epoch; marking exchanges and queues with it dedupes
   * queues reached twice and stops binding cycles, without allocating per message.
   */
  private static final class Router implements Consumer<Binding> {
    private final List<QueueState> targets = new ArrayList<>();
    /** Reads the properties a consistent-hash exchange may hash on. */
    private final PropertiesCodec codec;
    private long epoch;
    private VirtualHost vh;
    private Message message;
    /** The message's routing keys: its own, then sender-selected ones ({@link SenderSelected}). */
    private List<String> keys;
    private int matches;

    Router(PropertiesCodec codec) {
      this.codec = codec;
    }

    /** @throws AmqpFailure 406 when the message's CC or BCC header is not an array */
    List<QueueState> route(VirtualHost vh, Exchange x, Message m) {
      targets.clear();
      epoch++;
      List<String> routingKeys = SenderSelected.routingKeys(m);
      if (x.name().isDefault()) {
        for (String key : routingKeys) {
          QueueState q = vh.queues.get(key);
          if (q != null && q.routedEpoch != epoch) {
            q.routedEpoch = epoch;
            targets.add(q);
          }
        }
        return targets;
      }
      this.vh = vh;
      this.message = m;
      this.keys = routingKeys;
      try {
        routeVia(x);
      } finally {
        this.vh = null;
        this.message = null;
        this.keys = null;
      }
      return targets;
    }

    private void routeVia(Exchange x) {
      if (x.visitedEpoch == epoch) {
        return;
      }
      x.visitedEpoch = epoch;
      int before = matches;
      x.match(message, keys, codec, this);
      if (matches == before) {
        String ae = x.alternateExchange();
        Exchange alt = ae == null ? null : vh.exchanges.get(ae);
        if (alt != null) {
          routeVia(alt);
        }
      }
    }

    @Override
    public void accept(Binding b) {
      matches++;
      if (b.destination() instanceof QueueName qn) {
        QueueState q = vh.queues.get(qn.name());
        if (q != null && q.routedEpoch != epoch) {
          q.routedEpoch = epoch;
          targets.add(q);
        }
      } else {
        Exchange dest = vh.exchanges.get(b.destination().name());
        if (dest != null) {
          routeVia(dest);
        }
      }
    }
  }

  // ---------------------------------------------------------------- consumers

  private Reply consume(Consume c) {
    VirtualHost vh = vhostOf(c.queue().vhost());
    QueueState q = queueOrDie(vh, c.queue());
    checkExclusiveAccess(q, c.channel().connection());
    checkMessagesHere(q);
    ChannelState ch = channels.get(c.channel());
    if (ch != null && ch.consumers.containsKey(c.consumerTag())) {
      throw new AmqpFailure(ReplyCode.NOT_ALLOWED, "attempt to reuse consumer tag '" + c.consumerTag() + "'");
    }
    // A single active consumer queue takes no exclusive consumer, with RabbitMQ 3.10's words.
    if ((c.exclusive() && (q.consumerCount() > 0 || q.settings().singleActiveConsumer())) || q.hasExclusiveConsumer()) {
      throw AmqpFailure.accessRefused(q.name() + " in exclusive use");
    }
    ch = channel(c.channel());
    ConsumerState consumer = new ConsumerState(ch, c.consumerTag(), q, c.noAck(), c.exclusive(), c.prefetch(),
        c.credit(), c.arguments());
    ch.consumers.put(c.consumerTag(), consumer);
    ch.queues.add(q);
    q.addConsumer(consumer);
    q.checkout(out());
    return new Reply.ConsumeOk(c.consumerTag());
  }

  private Reply cancel(Cancel c) {
    ChannelState ch = channels.get(c.channel());
    ConsumerState consumer = ch == null ? null : ch.consumers.remove(c.consumerTag());
    if (consumer == null) {
      return Reply.OK; // unknown tags are ignored, as in RabbitMQ
    }
    QueueState q = consumer.queue;
    q.removeConsumer(consumer);
    VirtualHost vh = vhosts.get(q.name().vhost());
    if (q.shouldAutoDelete() && vh != null && vh.queues.get(q.name().name()) == q) {
      autoDelete(vh, q);
    } else {
      q.checkout(out()); // a queue can hold ready messages another consumer could now take
    }
    return Reply.OK;
  }

  private Reply credit(Credit c) {
    ChannelState ch = channels.get(c.channel());
    ConsumerState consumer = ch == null ? null : ch.consumers.get(c.consumerTag());
    if (consumer != null) {
      consumer.credit += c.credit();
      consumer.queue.checkout(out());
    }
    return Reply.OK;
  }

  private Reply get(Get c) {
    VirtualHost vh = vhostOf(c.queue().vhost());
    QueueState q = queueOrDie(vh, c.queue());
    checkExclusiveAccess(q, c.channel().connection());
    checkMessagesHere(q);
    ChannelState ch = channel(c.channel());
    Reply reply = q.get(ch, c.noAck());
    if (!c.noAck() && reply instanceof Reply.GetOk) {
      ch.queues.add(q);
    }
    return reply;
  }

  private Reply settle(Settle c) {
    ChannelState ch = channels.get(c.channel());
    VirtualHost vh = vhosts.get(c.queue().vhost());
    QueueState q = vh == null ? null : vh.queues.get(c.queue().name());
    if (ch == null || q == null) {
      return Reply.OK; // the queue was deleted: nothing left to settle
    }
    int released = q.settle(ch, c.outcome(), c.messageIds());
    List<Effect> out = out();
    q.checkout(out);
    if (released > 0 && ch.prefetch > 0) {
      // The channel-wide limit freed capacity that consumers on other queues may use.
      for (QueueState other : ch.queues) {
        if (other != q) {
          other.checkout(out);
        }
      }
    }
    return Reply.OK;
  }

  // ---------------------------------------------------------------- equivalence

  private List<Effect> out() {
    if (effects == null) {
      effects = new ArrayList<>(4);
    }
    return effects;
  }

  /** What queues need of this broker while a command is applied. */
  private final class Host implements QueueHost {
    @Override
    public long now() {
      return now;
    }

    @Override
    public void emit(Effect effect) {
      out().add(effect);
    }

    @Override
    public PropertiesCodec codec() {
      return codec;
    }
  }

  /** Hands queue reports on to whatever listener is current. */
  private final class Relay implements Changes {
    @Override
    public void messageAdded(QueueState queue, long id, Message message) {
      changes.messageAdded(queue, id, message);
    }

    @Override
    public void messageRemoved(QueueState queue, long id, Message message) {
      changes.messageRemoved(queue, id, message);
    }

    @Override
    public void messageDelivered(QueueState queue, long id) {
      changes.messageDelivered(queue, id);
    }

    @Override
    public void messageExpires(QueueState queue, long id, Message message, long expiresAt) {
      changes.messageExpires(queue, id, message, expiresAt);
    }

    @Override
    public void deliveryCounted(QueueState queue, long id, Message message, int count) {
      changes.deliveryCounted(queue, id, message, count);
    }
  }

  private static void assertField(Resource r, String field, Object received, Object current) {
    if (!received.equals(current)) {
      throw AmqpFailure.precondition("inequivalent arg '" + field + "' for " + r + ": received '" + received
          + "' but current is '" + current + "'");
    }
  }

  private static void assertArgs(Resource r, List<String> keys, Arguments received, Arguments current) {
    for (String key : keys) {
      Object got = received.get(key);
      Object now = current.get(key);
      boolean same = received.containsKey(key) == current.containsKey(key)
          && Arguments.looselyEqual(got, now);
      if (!same) {
        throw AmqpFailure.precondition("inequivalent arg '" + key + "' for " + r + ": received "
            + Arguments.describe(received, key, current) + " but current is " + Arguments.describe(current, key, received));
      }
    }
  }
}
