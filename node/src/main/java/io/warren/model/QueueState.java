package io.warren.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * One queue: ready messages in order, the messages channels hold (checked out, unacked), and the
 * consumers in round-robin order. Mutated only by {@link Broker}; the public getters are for
 * inspection and tests.
 *
 * <p>Ready messages are kept in two parts. {@code fresh} holds never-delivered messages in
 * publish order; {@code returned} holds requeued ones ordered by id. Every message ever handed out
 * left from the head of the ready order, so a returned id is always below every fresh id: ready
 * order is simply "returned, then fresh", which puts a requeued message back at its original
 * position near the head.
 */
public final class QueueState {

  /** A message in this queue: ready, or held by a channel. */
  static final class Entry {
    final long id;
    final Message message;
    boolean redelivered;
    /** The channel holding it (unacked), or null while ready. */
    ChannelState holder;
    /** The consumer it was delivered to, or null for basic.get. */
    ConsumerState consumer;

    Entry(long id, Message message) {
      this.id = id;
      this.message = message;
    }
  }

  private static final Comparator<Entry> BY_ID = Comparator.comparingLong(e -> e.id);

  private final QueueName name;
  private final boolean durable;
  private final boolean autoDelete;
  private final Arguments arguments;
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

  private final ArrayDeque<Entry> fresh = new ArrayDeque<>();
  private final PriorityQueue<Entry> returned = new PriorityQueue<>(BY_ID);
  private final Map<Long, Entry> checkedOut = new HashMap<>();
  /** Consumers in delivery order: the head gets the next message, then goes to the back. */
  private final ArrayDeque<ConsumerState> rotation = new ArrayDeque<>();
  private boolean hadConsumer;
  /** Routing pass that last picked this queue; dedupes a message reached by several bindings. */
  long routedEpoch;

  QueueState(QueueName name, boolean durable, boolean autoDelete, Arguments arguments, long owner, boolean replicated,
      long declarer, boolean remote, Changes changes) {
    this.name = name;
    this.durable = durable;
    this.autoDelete = autoDelete;
    this.arguments = arguments;
    this.owner = owner;
    this.replicated = replicated;
    this.declarer = declarer;
    this.remote = remote;
    this.changes = changes;
  }

  /**
   * Whether a queue declared with these properties is replicated (its messages in a queue
   * partition, surviving restarts): durable and neither exclusive nor auto-delete. The others live
   * in memory on the node that declared them and vanish with it, as AMQP allows.
   */
  public static boolean isReplicated(boolean durable, boolean exclusive, boolean autoDelete) {
    return isReplicated(durable, exclusive, autoDelete, false);
  }

  /**
   * As {@link #isReplicated(boolean, boolean, boolean)}, for a broker that is {@code clustered}:
   * there a non-exclusive, non-auto-delete queue is replicated even when not durable, since a
   * client may consume from it through any node (as RabbitMQ allows); it then lives as long as a
   * durable one does.
   */
  public static boolean isReplicated(boolean durable, boolean exclusive, boolean autoDelete, boolean clustered) {
    return (durable || clustered) && !exclusive && !autoDelete;
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

  public int readyCount() {
    return fresh.size() + returned.size();
  }

  public int unackedCount() {
    return checkedOut.size();
  }

  public int consumerCount() {
    return rotation.size();
  }

  /** Ids of the ready messages in delivery order. */
  public List<Long> readyIds() {
    List<Long> ids = new ArrayList<>(readyCount());
    returned.stream().sorted(BY_ID).forEach(e -> ids.add(e.id));
    fresh.forEach(e -> ids.add(e.id));
    return ids;
  }

  /** The consumers in their current round-robin order. */
  public List<ConsumerState> consumers() {
    return List.copyOf(rotation);
  }

  boolean hasExclusiveConsumer() {
    for (ConsumerState c : rotation) {
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

  void enqueue(long id, Message message) {
    fresh.addLast(new Entry(id, message));
    changes.messageAdded(this, id, message);
  }

  /** Puts back a message read from storage at restart: ready, in id order (call in increasing id order). */
  void restore(long id, Message message, boolean redelivered) {
    Entry e = new Entry(id, message);
    e.redelivered = redelivered;
    if (redelivered) {
      returned.add(e);
    } else {
      fresh.addLast(e);
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
    rotation.forEach(c -> order.add(refs.apply(c)));
    List<ClientsSnapshot.Held> held = new ArrayList<>(checkedOut.size());
    checkedOut.values().stream().sorted(BY_ID).forEach(e -> held.add(new ClientsSnapshot.Held(
        e.id, e.holder.ref, e.consumer == null ? null : refs.apply(e.consumer), e.redelivered)));
    return new ClientsSnapshot.Queue(name, hadConsumer, order, held);
  }

  /**
   * Restart: puts consumers back in their round-robin order and hands the messages restored as
   * ready to the channels that held them. {@code consumers} finds a consumer by (channel, tag);
   * {@code channels} a channel by ref.
   */
  void restoreClients(ClientsSnapshot.Queue state, Function<ClientsSnapshot.ConsumerRef, ConsumerState> consumers,
      Function<ChannelRef, ChannelState> channels) {
    rotation.clear();
    state.rotation().forEach(ref -> rotation.addLast(consumers.apply(ref)));
    hadConsumer = state.hadConsumer();
    Map<Long, ClientsSnapshot.Held> held = new HashMap<>();
    state.held().forEach(h -> held.put(h.id(), h));
    List<Entry> ready = new ArrayList<>(readyCount());
    ready.addAll(returned);
    ready.addAll(fresh);
    for (Entry e : ready) {
      ClientsSnapshot.Held h = held.remove(e.id);
      if (h == null) {
        continue;
      }
      if (!returned.remove(e)) {
        fresh.remove(e);
      }
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
    int before = readyCount();
    returned.removeIf(e -> !e.message.persistent());
    fresh.removeIf(e -> !e.message.persistent());
    return before - readyCount();
  }

  void addConsumer(ConsumerState c) {
    rotation.addLast(c);
    hadConsumer = true;
  }

  void removeConsumer(ConsumerState c) {
    rotation.remove(c);
    c.cancelled = true;
  }

  private Entry pollReady() {
    Entry e = returned.poll();
    return e != null ? e : fresh.pollFirst();
  }

  /**
   * The shared checkout step every command that can free capacity ends in: hands ready messages,
   * head first, to consumers that can take one, round-robin, and appends a Deliver per message.
   */
  void checkout(List<Effect> out) {
    int misses = 0;
    while (misses < rotation.size() && readyCount() > 0) {
      ConsumerState c = rotation.pollFirst();
      rotation.addLast(c);
      if (c.canTake()) {
        deliver(c, pollReady(), out);
        misses = 0;
      } else {
        misses++;
      }
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
    out.add(new Effect.Deliver(c.channel.ref, c.tag, name, e.id, e.redelivered, c.noAck, e.message));
  }

  private void hold(Entry e, ChannelState channel, ConsumerState consumer) {
    e.holder = channel;
    e.consumer = consumer;
    checkedOut.put(e.id, e);
  }

  /** basic.get: the head message, held by the channel unless no-ack; null when empty. */
  Entry get(ChannelState channel, boolean noAck) {
    Entry e = pollReady();
    if (e != null) {
      changes.messageDelivered(this, e.id);
      if (noAck) {
        changes.messageRemoved(this, e.id, e.message);
      } else {
        hold(e, channel, null);
      }
    }
    return e;
  }

  /**
   * Settles messages held by {@code channel}. Returns how many consumer deliveries were released
   * (capacity freed for prefetch limits).
   */
  int settle(ChannelState channel, Command.Outcome outcome, long[] ids) {
    int released = 0;
    for (long id : ids) {
      Entry e = checkedOut.get(id);
      if (e == null || e.holder != channel) {
        continue;
      }
      checkedOut.remove(id);
      released += release(e);
      if (outcome == Command.Outcome.REQUEUE) {
        returned.add(e);
      } else {
        changes.messageRemoved(this, e.id, e.message);
      }
    }
    return released;
  }

  /** Everything {@code channel} holds goes back to the queue, marked redelivered. */
  void returnAll(ChannelState channel) {
    for (Iterator<Entry> it = checkedOut.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.holder == channel) {
        it.remove();
        release(e);
        returned.add(e);
      }
    }
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
    reportRemoved(returned);
    reportRemoved(fresh);
    fresh.clear();
    returned.clear();
    return n;
  }

  /** The queue is being deleted: reports every message it has, ready or held, as removed. */
  void reportAllRemoved() {
    reportRemoved(returned);
    reportRemoved(fresh);
    reportRemoved(checkedOut.values());
  }

  private void reportRemoved(Iterable<Entry> entries) {
    for (Entry e : entries) {
      changes.messageRemoved(this, e.id, e.message);
    }
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
