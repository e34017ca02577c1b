package io.warren.model;

import io.warren.model.DeadLetters.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One queue: ready messages in order, the messages channels hold (checked out, unacked), and the
 * consumers in round-robin order. Mutated only by {@link Broker}; the public getters are for
 * inspection and tests.
 *
 * <p>Ready messages are kept in delivery order by a {@link ReadyMessages} (one FIFO, or one per
 * priority for {@code x-max-priority}); a requeued message goes back to its original position
 * within its priority. Consumers take turns as {@link ConsumerRotation} decides (consumer
 * priorities, single active consumer).
 *
 * <p>Time comes from the command being applied ({@link QueueHost#now()}), never from a clock. A
 * message's TTL (the queue's {@code x-message-ttl} or its own expiration, the lower) fixes when it
 * expires as it is enqueued, and a requeue keeps that time. As in RabbitMQ, only the head of the
 * ready order is checked: an expired message goes (dropped, or dead-lettered) when it reaches the
 * head, at the latest when a {@link Command.Tick} or a delivery looks at it, and is never
 * delivered. A message whose TTL is 0 goes to a consumer that can take it at once, or dies.
 */
public final class QueueState {
  /** The expiry time of a message that never expires. */
  static final long NEVER = Long.MAX_VALUE;
  /** When a restored queue was last used: not known; its lease starts again at the next tick. */
  static final long UNKNOWN = Long.MIN_VALUE;

  /** A message in this queue: ready, or held by a channel. */
  static final class Entry {
    final long id;
    final Message message;
    /** When it expires while ready (ms since the epoch), or {@link #NEVER}. */
    final long expiresAt;
    /** How often it came back to the queue; counted only when the queue counts deliveries. */
    int deliveryCount;
    boolean redelivered;
    /** The channel holding it (unacked), or null while ready. */
    ChannelState holder;
    /** The consumer it was delivered to, or null for basic.get. */
    ConsumerState consumer;

    Entry(long id, Message message, long expiresAt) {
      this.id = id;
      this.message = message;
      this.expiresAt = expiresAt;
    }

    long bodySize() {
      return message.body().size();
    }
  }

  private static final Comparator<Entry> BY_ID = Comparator.comparingLong(e -> e.id);

  private final QueueName name;
  private final boolean durable;
  private final boolean autoDelete;
  private final Arguments arguments;
  /** What the queue's own arguments make of it. */
  private final QueueSettings declared;
  /** The settings in force: {@link #declared} with the policy that applies, if any. */
  private QueueSettings settings;
  /** The policy that applies to the queue, or null. */
  private Policy policy;
  /** Owning connection of an exclusive queue, or 0. */
  private final long owner;
  /**
   * Whether this is the routing stand-in of a replicated queue, whose messages and consumers live
   * in a queue partition: it takes part in routing and name checks, never holds a message.
   */
  private final boolean replicated;
  /** The connection that declared it (its node holds a non-replicated queue's messages). */
  private final long declarer;
  /**
   * Whether this is the routing stand-in of a non-replicated queue that lives on another node of
   * the cluster (where {@link #declarer} connected): a publish that reaches it is relayed there.
   */
  private final boolean remote;
  private final Changes changes;
  private final QueueHost host;

  private final ReadyMessages ready;
  private final Map<Long, Entry> checkedOut = new HashMap<>();
  private final ConsumerRotation rotation;
  private boolean hadConsumer;
  /**
   * When the queue was last used (declared, got from, consumed from, left by its last consumer),
   * for {@code x-expires}; {@link #UNKNOWN} after a restart until the next tick.
   */
  private long lastUsed;
  /** Routing pass that last picked this queue; dedupes a message reached by several bindings. */
  long routedEpoch;

  QueueState(QueueName name, boolean durable, boolean autoDelete, Arguments arguments, QueueSettings settings,
      long owner, boolean replicated, long declarer, boolean remote, Changes changes, QueueHost host) {
    this.name = name;
    this.durable = durable;
    this.autoDelete = autoDelete;
    this.arguments = arguments;
    this.declared = settings;
    this.settings = settings;
    this.owner = owner;
    this.replicated = replicated;
    this.declarer = declarer;
    this.remote = remote;
    this.changes = changes;
    this.host = host;
    this.ready = ReadyMessages.forQueue(settings);
    this.rotation = new ConsumerRotation(settings.singleActiveConsumer());
    touch();
  }

  /**
   * Whether a queue declared with these properties is replicated (its messages in a queue
   * partition, surviving restarts): durable and not exclusive. A durable auto-delete queue is
   * replicated too, since RabbitMQ keeps one across restarts until its last consumer goes. In a
   * {@code clustered} broker every non-exclusive queue is, durable or not, since a client may
   * consume from it through any node (as RabbitMQ allows); it then lives as long as a durable one
   * does, and an auto-delete one goes when its partition sees its last consumer go ({@link
   * Effect.QueueAutoDeleted}). The others live in memory on the node that declared them and vanish
   * with it, as AMQP allows.
   */
  public static boolean isReplicated(boolean durable, boolean exclusive, boolean clustered) {
    return (durable || clustered) && !exclusive;
  }

  /** See {@link #isReplicated(boolean, boolean, boolean)}: true for a routing stand-in. */
  public boolean replicated() {
    return replicated;
  }

  /** Whether this is a stand-in for a non-replicated queue on another node (see {@link #declarer()}). */
  public boolean remote() {
    return remote;
  }

  /** Whether this queue's messages are here (neither a replicated nor a remote stand-in). */
  public boolean holdsMessages() {
    return !replicated && !remote;
  }

  /** The connection that declared the queue. */
  public long declarer() {
    return declarer;
  }

  public QueueName name() {
    return name;
  }

  public boolean durable() {
    return durable;
  }

  public boolean autoDelete() {
    return autoDelete;
  }

  public boolean exclusive() {
    return owner != 0;
  }

  public long owner() {
    return owner;
  }

  public Arguments arguments() {
    return arguments;
  }

  /** What the queue's arguments and its policy make of it (TTLs, limits, dead lettering). */
  public QueueSettings settings() {
    return settings;
  }

  /** The policy that applies to the queue, or null. */
  public Policy policy() {
    return policy;
  }

  /**
   * A policy now applies to the queue ({@code p}, or none when null): its settings change at once.
   * As in RabbitMQ, a lower length limit drops (or dead-letters) the oldest messages now, and a
   * message TTL counts for messages enqueued from now on (a message's expiry is fixed when it
   * arrives).
   */
  void applyPolicy(Policy p) {
    if (java.util.Objects.equals(p, policy)) {
      return;
    }
    policy = p;
    settings = declared.withPolicy(arguments, p);
    dropOverLimit();
  }

  public int readyCount() {
    return ready.size();
  }

  /** Body bytes of the ready messages. */
  public long readyBytes() {
    return ready.bytes();
  }

  public int unackedCount() {
    return checkedOut.size();
  }

  /**
   * The ready count a client is told (queue.declare-ok, basic.get-ok, metrics): the ready messages
   * plus those handed to consumers beyond their prefetch ({@link ConsumerState#window()}), which
   * their nodes hold back unseen. For a consumer that stopped acking this is exactly the count
   * RabbitMQ gives.
   */
  public int visibleReadyCount() {
    return readyCount() + heldBeyondPrefetch();
  }

  /** The unacknowledged count a client is told: see {@link #visibleReadyCount()}. */
  public int visibleUnackedCount() {
    return unackedCount() - heldBeyondPrefetch();
  }

  private int heldBeyondPrefetch() {
    int n = 0;
    for (ConsumerState c : rotation.inOrder()) {
      if (!c.noAck && c.prefetch > 0) {
        n += Math.max(0, c.unacked - c.prefetch);
      }
    }
    return n;
  }

  public int consumerCount() {
    return rotation.size();
  }

  /** Ids of the ready messages in delivery order. */
  public List<Long> readyIds() {
    List<Long> ids = new ArrayList<>(readyCount());
    ready.forEach(e -> ids.add(e.id));
    return ids;
  }

  /**
   * The consumers in their current turn order (highest priority first; with a single active
   * consumer, the active one first).
   */
  public List<ConsumerState> consumers() {
    return rotation.inOrder();
  }

  boolean hasExclusiveConsumer() {
    if (rotation.isEmpty()) {
      return false;
    }
    for (ConsumerState c : rotation.inOrder()) {
      if (c.exclusive) {
        return true;
      }
    }
    return false;
  }

  /** Whether the last consumer just went away from an auto-delete queue. */
  boolean shouldAutoDelete() {
    return autoDelete && hadConsumer && rotation.isEmpty();
  }

  // ---------------------------------------------------------------- time

  /** The queue is used now: its {@code x-expires} lease starts again. */
  void touch() {
    long now = host.now();
    lastUsed = now == 0 ? UNKNOWN : now;
  }

  /** Whether the queue went unused for its {@code x-expires} and must be deleted. */
  boolean unusedTooLong() {
    return settings.expires() >= 0 && rotation.isEmpty() && lastUsed != UNKNOWN
        && lastUsed + settings.expires() <= host.now();
  }

  /**
   * Time passes: expired messages at the head go, and a restored queue whose last use is not
   * known starts its lease now. Deleting a queue unused for too long is the broker's job.
   */
  void tick() {
    expireHead();
    if (lastUsed == UNKNOWN) {
      touch();
    }
  }

  /**
   * The earliest time a {@link Command.Tick} has something to do here (ms since the epoch): the
   * head's expiry, or the end of the {@code x-expires} lease; {@link #NEVER} if nothing is due.
   */
  long nextDeadline() {
    Entry head = peekReady();
    long next = head == null ? NEVER : head.expiresAt;
    if (settings.expires() >= 0 && rotation.isEmpty()) {
      next = Math.min(next, lastUsed == UNKNOWN ? Long.MIN_VALUE : lastUsed + settings.expires());
    }
    return next;
  }

  /** When a message enqueued now expires: the lower of the queue's TTL and its own. */
  private long expiryOf(Message message) {
    long ttl = settings.messageTtl();
    long own = message.ttl();
    if (own >= 0 && (ttl < 0 || own < ttl)) {
      ttl = own;
    }
    return ttl < 0 ? NEVER : host.now() + ttl;
  }

  // ---------------------------------------------------------------- ready messages

  private Entry peekReady() {
    return ready.peek();
  }

  private Entry pollReady() {
    return ready.poll();
  }

  /**
   * The first ready message that has not expired; the expired ones before it die on the way.
   * {@code exempt} (a message being enqueued) is offered to consumers before its TTL counts.
   */
  private Entry liveHead(Entry exempt) {
    long now = host.now();
    Entry head = peekReady();
    while (head != null && head != exempt && head.expiresAt <= now) {
      pollReady();
      died(head, Reason.EXPIRED);
      head = peekReady();
    }
    return head;
  }

  /** Drops, or dead-letters, the expired messages at the head of the ready order. */
  void expireHead() {
    liveHead(null);
  }

  private boolean wouldOverflow(Message m) {
    return (settings.maxLength() >= 0 && readyCount() >= settings.maxLength())
        || (settings.maxLengthBytes() >= 0 && ready.bytes() + m.body().size() > settings.maxLengthBytes());
  }

  private boolean overLimit() {
    return (settings.maxLength() >= 0 && readyCount() > settings.maxLength())
        || (settings.maxLengthBytes() >= 0 && ready.bytes() > settings.maxLengthBytes());
  }

  /**
   * x-overflow drop-head: messages at the head die until the queue is within its limits (in a
   * priority queue the head is the highest priority's oldest message, as in RabbitMQ).
   */
  private void dropOverLimit() {
    if (!settings.limitsLength() || settings.rejectsWhenFull()) {
      return;
    }
    while (overLimit()) {
      died(pollReady(), Reason.MAXLEN);
    }
  }

  /** A message leaves the queue for good without being delivered: reported, and dead-lettered if the queue says so. */
  private void died(Entry e, Reason reason) {
    changes.messageRemoved(this, e.id, e.message);
    deadLetter(e.message, reason);
  }

  private void deadLetter(Message m, Reason reason) {
    String dlx = settings.deadLetterExchange();
    if (dlx != null) {
      host.emit(new Effect.DeadLettered(name.vhost(), DeadLetters.deadLettered(m, reason, name, dlx,
          settings.deadLetterRoutingKey(), host.now(), host.codec())));
    }
  }

  // ---------------------------------------------------------------- commands

  /**
   * A routed message arrives: offered to consumers at once, else it waits. Returns false when the
   * queue is full and refuses it ({@code x-overflow} reject-publish, reject-publish-dlx).
   */
  boolean enqueue(long id, Message message, List<Effect> out) {
    if (settings.rejectsWhenFull() && wouldOverflow(message)) {
      if (settings.overflow() == QueueSettings.Overflow.REJECT_PUBLISH_DLX) {
        deadLetter(message, Reason.MAXLEN);
      }
      return false;
    }
    Entry e = new Entry(id, message, expiryOf(message));
    changes.messageAdded(this, id, message);
    if (e.expiresAt != NEVER) {
      changes.messageExpires(this, id, message, e.expiresAt);
    }
    ready.addFresh(e);
    deliverReady(out, e);
    expireHead();
    dropOverLimit();
    return true;
  }

  /**
   * Puts back a message read from storage at restart: ready, in id order (call in increasing id
   * order), with the expiry and delivery count it had.
   */
  void restore(long id, Message message, boolean redelivered, long expiresAt, int deliveryCount) {
    Entry e = new Entry(id, message, expiresAt);
    e.redelivered = redelivered;
    e.deliveryCount = deliveryCount;
    if (redelivered) {
      ready.addReturned(e);
    } else {
      ready.addFresh(e);
    }
  }

  /** Consumers whose deliveries are held here, cancelled ones included. */
  void heldConsumers(java.util.function.Consumer<ConsumerState> out) {
    checkedOut.values().forEach(e -> {
      if (e.consumer != null) {
        out.accept(e.consumer);
      }
    });
  }

  /** This queue's consumers and held messages, for a {@link ClientsSnapshot}. */
  ClientsSnapshot.Queue clients(Function<ConsumerState, ClientsSnapshot.ConsumerRef> refs) {
    List<ClientsSnapshot.ConsumerRef> order = new ArrayList<>(rotation.size());
    rotation.inOrder().forEach(c -> order.add(refs.apply(c)));
    List<ClientsSnapshot.Held> held = new ArrayList<>(checkedOut.size());
    checkedOut.values().stream().sorted(BY_ID).forEach(e -> held.add(new ClientsSnapshot.Held(
        e.id, e.holder.ref, e.consumer == null ? null : refs.apply(e.consumer), e.redelivered)));
    return new ClientsSnapshot.Queue(name, hadConsumer, order, held, lastUsed);
  }

  /**
   * Restart: puts consumers back in their round-robin order and hands the messages restored as
   * ready to the channels that held them. {@code consumers} finds a consumer by (channel, tag);
   * {@code channels} a channel by ref.
   */
  void restoreClients(ClientsSnapshot.Queue state, Function<ClientsSnapshot.ConsumerRef, ConsumerState> consumers,
      Function<ChannelRef, ChannelState> channels) {
    rotation.restore(state.rotation().stream().map(consumers).toList());
    hadConsumer = state.hadConsumer();
    lastUsed = state.lastUsed();
    Map<Long, ClientsSnapshot.Held> held = new LinkedHashMap<>();
    state.held().forEach(h -> held.put(h.id(), h));
    for (Entry e : ready.removeIf(e -> held.containsKey(e.id))) {
      ClientsSnapshot.Held h = held.remove(e.id);
      ChannelState channel = channels.apply(h.channel());
      e.redelivered = h.redelivered();
      hold(e, channel, h.consumer() == null ? null : consumers.apply(h.consumer()));
    }
    if (!held.isEmpty()) {
      throw new IllegalStateException(name + ": held messages missing from the store: " + held.keySet());
    }
  }

  /** Drops the ready messages that are not persistent (they do not survive a restart); returns how many. */
  int dropTransient() {
    return ready.removeIf(e -> !e.message.persistent()).size();
  }

  /** The queue starts a new life (a restart): it auto-deletes only after a new consumer came and went. */
  void forgetConsumersHad() {
    hadConsumer = false;
  }

  void addConsumer(ConsumerState c) {
    rotation.add(c);
    hadConsumer = true;
    touch();
  }

  void removeConsumer(ConsumerState c) {
    rotation.remove(c);
    c.cancelled = true;
    if (rotation.isEmpty()) {
      touch(); // an unused queue's lease starts when its last consumer goes
    }
  }

  /**
   * The shared checkout step every command that can free capacity ends in: hands ready messages,
   * head first, to consumers that can take one, round-robin, and appends a Deliver per message.
   */
  void checkout(List<Effect> out) {
    deliverReady(out, null);
  }

  private void deliverReady(List<Effect> out, Entry exempt) {
    if (rotation.isEmpty()) {
      return;
    }
    while (liveHead(exempt) != null) {
      ConsumerState c = rotation.nextTaker();
      if (c == null) {
        return;
      }
      deliver(c, pollReady(), out);
    }
  }

  private void deliver(ConsumerState c, Entry e, List<Effect> out) {
    c.credit -= e.message.creditUnits(); // may go below zero: a large message still goes out alone
    changes.messageDelivered(this, e.id);
    if (!c.noAck) {
      hold(e, c.channel, c);
      c.unacked++;
      c.channel.unacked++;
    } else {
      changes.messageRemoved(this, e.id, e.message);
    }
    Message m = settings.countsDeliveries() && e.deliveryCount > 0 ? withDeliveryCount(e) : e.message;
    out.add(new Effect.Deliver(c.channel.ref, c.tag, name, e.id, e.redelivered, c.noAck, m));
  }

  /** The message as a quorum queue hands it out: with how often it came back, in {@code x-delivery-count}. */
  private Message withDeliveryCount(Entry e) {
    Map<String, Object> headers = new LinkedHashMap<>(e.message.headers().asMap());
    headers.put("x-delivery-count", (long) e.deliveryCount);
    Arguments newHeaders = Arguments.of(headers);
    Message m = e.message;
    return new Message(m.exchange(), m.routingKey(), host.codec().withHeaders(m.properties(), newHeaders, false),
        m.body(), newHeaders, m.persistent(), m.expiration(), m.priority());
  }

  private void hold(Entry e, ChannelState channel, ConsumerState consumer) {
    e.holder = channel;
    e.consumer = consumer;
    checkedOut.put(e.id, e);
  }

  /**
   * basic.get: the head message, held by the channel unless no-ack, or empty. A queue that counts
   * deliveries always says {@code x-delivery-count} here, 0 the first time (as RabbitMQ 3.10 does).
   */
  Reply get(ChannelState channel, boolean noAck) {
    touch();
    Entry e = liveHead(null);
    if (e == null) {
      return Reply.GET_EMPTY;
    }
    pollReady();
    changes.messageDelivered(this, e.id);
    if (noAck) {
      changes.messageRemoved(this, e.id, e.message);
    } else {
      hold(e, channel, null);
    }
    Message m = settings.countsDeliveries() ? withDeliveryCount(e) : e.message;
    return new Reply.GetOk(name, e.id, e.redelivered, m, visibleReadyCount());
  }

  /**
   * Settles messages held by {@code channel}. Returns how many consumer deliveries were released
   * (capacity freed for prefetch limits).
   */
  int settle(ChannelState channel, Command.Outcome outcome, long[] ids) {
    int released = 0;
    boolean requeued = false;
    for (long id : ids) {
      Entry e = checkedOut.get(id);
      if (e == null || e.holder != channel) {
        continue;
      }
      checkedOut.remove(id);
      boolean wasRedelivered = e.redelivered;
      released += release(e);
      switch (outcome) {
        case REQUEUE -> {
          comeBack(e);
          requeued = true;
        }
        case RETURN -> {
          e.redelivered = wasRedelivered;
          ready.addReturned(e);
          requeued = true;
        }
        case DISCARD -> died(e, Reason.REJECTED);
        case ACK -> changes.messageRemoved(this, e.id, e.message);
      }
    }
    if (requeued) {
      dropOverLimit();
    }
    return released;
  }

  /** Everything {@code channel} holds goes back to the queue, marked redelivered. */
  void returnAll(ChannelState channel) {
    List<Entry> held = new ArrayList<>();
    for (Entry e : checkedOut.values()) {
      if (e.holder == channel) {
        held.add(e);
      }
    }
    if (held.isEmpty()) {
      return;
    }
    // In id order, not the map's: what dies on the way must die in the same order on every replica.
    held.sort(BY_ID);
    for (Entry e : held) {
      checkedOut.remove(e.id);
      release(e);
      comeBack(e);
    }
    dropOverLimit();
  }

  /** A released message returns to the ready order; past the delivery limit it dies instead. */
  private void comeBack(Entry e) {
    if (settings.countsDeliveries()) {
      e.deliveryCount++;
      if (settings.deliveryLimit() >= 0 && e.deliveryCount > settings.deliveryLimit()) {
        died(e, Reason.DELIVERY_LIMIT);
        return;
      }
      changes.deliveryCounted(this, e.id, e.message, e.deliveryCount);
    }
    ready.addReturned(e);
  }

  private static int release(Entry e) {
    int released = 0;
    if (e.consumer != null) {
      e.consumer.unacked--;
      e.holder.unacked--;
      released = 1;
    }
    e.holder = null;
    e.consumer = null;
    e.redelivered = true;
    return released;
  }

  /** Drops the ready messages; returns how many there were. */
  int purge() {
    int n = readyCount();
    ready.forEach(e -> changes.messageRemoved(this, e.id, e.message));
    ready.clear();
    return n;
  }

  /** The queue is being deleted: reports every message it has, ready or held, as removed. */
  void reportAllRemoved() {
    ready.forEach(e -> changes.messageRemoved(this, e.id, e.message));
    checkedOut.values().forEach(e -> changes.messageRemoved(this, e.id, e.message));
  }

  /**
   * The queue is being deleted: releases what channels hold (so their prefetch counts stay right)
   * and returns the channels whose limits changed.
   */
  List<ChannelState> releaseAllHeld() {
    List<ChannelState> touched = new ArrayList<>();
    // In id order, not the map's: replicas restored from a snapshot have other map capacities.
    for (Entry e : checkedOut.values().stream().sorted(BY_ID).toList()) {
      if (e.consumer != null && !touched.contains(e.holder)) {
        touched.add(e.holder);
      }
      release(e);
    }
    checkedOut.clear();
    return touched;
  }
}
