package io.warren.node.replication;

import io.warren.model.Broker;
import io.warren.model.Changes;
import io.warren.model.Command;
import io.warren.model.Effect;
import io.warren.model.Message;
import io.warren.model.MessageBody;
import io.warren.model.Meta;
import io.warren.model.Policy;
import io.warren.model.PropertiesCodec;
import io.warren.model.QueueName;
import io.warren.model.QueueSettings;
import io.warren.model.QueueState;
import io.warren.model.Reply;
import io.warren.model.Result;
import io.warren.node.amqp.WirePropertiesCodec;
import io.warren.raft.GroupStateMachine;
import io.warren.raft.LargeValues;
import io.warren.storage.KeyRange;
import io.warren.storage.KeyValue;
import io.warren.storage.Keys;
import io.warren.storage.Store;
import io.warren.storage.StoreBatch;
import io.warren.storage.StoreIterator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The state machine of one queue partition: a {@link Broker} holding the partition's replicated
 * queues, fed the commands of the Raft log in order, on every replica. Every change to a
 * persistent message or a queue goes into the entry's batch (see {@link PartitionLayout}); once
 * written, only the most recent bodies stay on the heap ({@link RecentBodies}). What each entry did is handed to the node after its batch is
 * written ({@link #written}), so a client never sees an effect a crash could take back.
 *
 * <p>Not persisted: consumers, channels and which channel holds which message. They belong to
 * connections, which do not outlive their node's run; a {@link Command.Restarted} at start closes
 * those of earlier runs, and every message handed out before comes back marked redelivered (the
 * stored watermark says which). Persisted with a message: when it expires and how often it came
 * back, so that a TTL that runs out while the node is down is honoured when it comes back.
 *
 * <p>Every entry is applied at the time its submitter stamped on it ({@link
 * CommandBatch#timestamp()}), so TTLs and queue expiry come out the same on every replica.
 */
public final class PartitionMachine implements GroupStateMachine<CommandBatch>, LargeValues {
  private final String group;
  private final Consumer<EntryResults> sink;
  private Store store;
  private Broker broker;
  private final Writer writer = new Writer();
  private final PropertiesCodec codec = new WirePropertiesCodec();
  /** Bodies of this entry's new messages, on the heap until the batch that stores them is written. */
  private final List<StoredBody> unwritten = new ArrayList<>();
  /** Written bodies kept on the heap for the consumers to come. */
  private final RecentBodies recent;
  /** Bodies whose last message went in this entry: they leave the heap once the entry's effects hold their bytes. */
  private final List<StoredBody> released = new ArrayList<>();
  private EntryResults pending;

  private final boolean clustered;

  /**
   * @param clustered the group has replicas on other nodes: their clients' consumers and held
   *     messages must survive this replica's restarts, so snapshots carry them and every start
   *     replays from the latest snapshot. A single node needs neither: at its start every client
   *     is gone.
   * @param bodyCacheBytes how many bytes of recently stored message bodies stay on the heap
   */
  public PartitionMachine(String group, Consumer<EntryResults> sink, boolean clustered, long bodyCacheBytes) {
    this.group = group;
    this.sink = sink;
    this.clustered = clustered;
    this.recent = new RecentBodies(bodyCacheBytes);
  }

  /**
   * Whether a message goes into the store. On a single node only persistent ones: transient ones
   * die with the node anyway. In a cluster all of them, as in a RabbitMQ quorum queue: a replica
   * rebuilt from a snapshot must find the transient messages the others still hold.
   */
  private boolean stored(Message m) {
    return clustered || m.persistent();
  }

  @Override
  public boolean restartsFromSnapshot() {
    return clustered;
  }

  @Override
  public synchronized void beforeSnapshot(StoreBatch batch) {
    if (clustered) {
      batch.put(PartitionLayout.STATE, PartitionLayout.CLIENTS, ClientsSnapshotCodec.encode(broker.exportClients()));
    }
  }

  @Override
  public Set<String> families() {
    return Set.of(PartitionLayout.QUEUES, PartitionLayout.MESSAGES, PartitionLayout.BODIES, PartitionLayout.STATE);
  }

  @Override
  public Set<String> largeValueFamilies() {
    return Set.of(PartitionLayout.BODIES);
  }

  @Override
  public synchronized void restore(Store restoredFrom) {
    this.store = restoredFrom;
    Broker restored = new Broker(codec);
    // Policies first: each queue then takes its policy's settings as it is declared, before its
    // messages come back (whether a message has a stored expiry depends on them).
    try (StoreIterator it = store.iterate(PartitionLayout.STATE, KeyRange.prefix(PartitionLayout.POLICY))) {
      while (it.hasNext()) {
        restored.apply(new Meta(0, 0), CommandCodec.decode(it.next().value()));
      }
    }
    try (StoreIterator it = store.iterate(PartitionLayout.QUEUES, KeyRange.all())) {
      while (it.hasNext()) {
        Command.DeclareQueue declare = (Command.DeclareQueue) CommandCodec.decode(it.next().value());
        restored.apply(new Meta(0, 0), new Command.AddVhost(declare.name().vhost()));
        restored.apply(new Meta(0, 0), declare);
      }
    }
    writer.extraRefs.clear();
    writer.restoredWatermarks.clear();
    writer.queues.clear();
    java.util.Set<Long> seen = new java.util.HashSet<>();
    byte[] queueKey = null;
    long watermark = 0;
    try (StoreIterator it = store.iterate(PartitionLayout.MESSAGES, KeyRange.all())) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        byte[] qk = PartitionLayout.queueKeyOf(kv.key());
        if (queueKey == null || !java.util.Arrays.equals(qk, queueKey)) {
          queueKey = qk;
          byte[] w = store.get(PartitionLayout.STATE, PartitionLayout.watermarkKey(qk));
          watermark = w == null ? 0 : Keys.getLong(w, 0);
          writer.restoredWatermarks.put(PartitionLayout.queueOf(qk), watermark);
        }
        long id = PartitionLayout.idOf(kv.key());
        ByteBuffer value = ByteBuffer.wrap(kv.value());
        int bodySize = value.getInt();
        byte[] rest = new byte[value.remaining()];
        value.get(rest);
        Message m = StoredMessage.decode(rest)
            .withBody(new StoredBody(store, PartitionLayout.bodyKey(id), bodySize));
        QueueName queue = PartitionLayout.queueOf(qk);
        QueueSettings settings = restored.queue(queue).map(QueueState::settings).orElse(QueueSettings.NONE);
        restored.restoreMessage(queue, id, m, id <= watermark, storedExpiry(kv.key(), settings, m),
            storedDeliveryCount(kv.key(), settings));
        if (!seen.add(id)) {
          writer.extraRefs.merge(id, 1, Integer::sum);
        }
      }
    }
    byte[] next = store.get(PartitionLayout.STATE, PartitionLayout.NEXT_ID);
    if (next != null) {
      restored.restoreNextMessageId(Keys.getLong(next, 0));
    }
    byte[] clients = clustered ? store.get(PartitionLayout.STATE, PartitionLayout.CLIENTS) : null;
    if (clients != null) {
      restored.restoreClients(ClientsSnapshotCodec.decode(clients));
    }
    restored.setChanges(writer);
    this.broker = restored;
  }

  /** When a restored message expires: stored only for messages with a TTL. */
  private long storedExpiry(byte[] messageKey, QueueSettings settings, Message m) {
    if (!Writer.mayExpire(settings, m)) {
      return Long.MAX_VALUE;
    }
    byte[] at = store.get(PartitionLayout.STATE, PartitionLayout.expiryKey(messageKey));
    return at == null ? Long.MAX_VALUE : Keys.getLong(at, 0);
  }

  /** How often a restored message came back: stored only in queues that count it, once it did. */
  private int storedDeliveryCount(byte[] messageKey, QueueSettings settings) {
    if (!settings.countsDeliveries()) {
      return 0;
    }
    byte[] count = store.get(PartitionLayout.STATE, PartitionLayout.deliveryCountKey(messageKey));
    return count == null ? 0 : ByteBuffer.wrap(count).getInt();
  }

  @Override
  public CommandBatch decode(byte[] command) {
    return CommandBatch.decode(command);
  }

  /** Reads the entry in place: its message bodies are copied out once, here, and no more. */
  @Override
  public CommandBatch decode(ByteBuffer command) {
    return CommandBatch.decode(command);
  }

  @Override
  public synchronized byte[] apply(long index, CommandBatch entry, StoreBatch batch) {
    keepWritten();
    List<EntryResults.Tagged> results = new ArrayList<>(entry.commands().size());
    writer.batch = batch;
    try {
      for (CommandBatch.Tagged t : entry.commands()) {
        Command c = prepare(t.command());
        Result r = broker.apply(new Meta(index, entry.timestamp()), c);
        results.add(new EntryResults.Tagged(t.correlation(), withBodiesOnHeap(r)));
      }
      writer.flushState(broker.nextMessageId());
    } finally {
      writer.batch = null;
      released.forEach(StoredBody::evict);
      released.clear();
    }
    pending = new EntryResults(group, entry.origin(), results);
    return new byte[0];
  }

  @Override
  public void written(long index) {
    EntryResults out;
    synchronized (this) {
      keepWritten();
      out = pending;
      pending = null;
    }
    if (out != null) {
      sink.accept(out);
    }
  }

  /**
   * Runs {@code reader} against this replica's queues between two applies. For inspection
   * (metrics, management): keep it quick and copy what it needs.
   */
  public synchronized <T> T inspect(Function<Broker, T> reader) {
    return broker == null ? null : reader.apply(broker);
  }

  /**
   * The earliest time (ms since the epoch) a {@link Command.Tick} has something to do in this
   * replica's queues, {@link Long#MAX_VALUE} if nothing is due (see {@link Broker#nextDeadline()}).
   */
  public synchronized long nextDeadline() {
    return broker == null ? Long.MAX_VALUE : broker.nextDeadline();
  }

  private void keepWritten() {
    unwritten.forEach(recent::keep);
    unwritten.clear();
  }

  /**
   * Gives a persistent message about to be enqueued a body backed by the store (under the id the
   * broker will assign it), and makes sure a declared queue's vhost exists here.
   */
  private Command prepare(Command c) {
    if (c instanceof Command.Enqueue e && stored(e.message())) {
      StoredBody body = new StoredBody(store, PartitionLayout.bodyKey(broker.nextMessageId()), e.message().body().bytes());
      unwritten.add(body);
      return new Command.Enqueue(e.queues(), e.message().withBody(body));
    }
    if (c instanceof Command.DeclareQueue d) {
      broker.apply(new Meta(0, 0), new Command.AddVhost(d.name().vhost()));
    }
    return c;
  }

  /**
   * Deliveries and get-oks leave with their bodies on the heap, so no event loop reads the store;
   * dead letters too, read now, before the batch that removes their message deletes the body.
   */
  private static Result withBodiesOnHeap(Result r) {
    Reply reply = r.reply();
    if (reply instanceof Reply.GetOk g && g.message().body() instanceof StoredBody) {
      reply = new Reply.GetOk(g.queue(), g.messageId(), g.redelivered(), onHeap(g.message()), g.messageCount());
    }
    List<Effect> effects = r.effects();
    for (int i = 0; i < effects.size(); i++) {
      if (effects.get(i) instanceof Effect.Deliver d && d.message().body() instanceof StoredBody) {
        if (effects == r.effects()) {
          effects = new ArrayList<>(effects);
        }
        effects.set(i, new Effect.Deliver(d.channel(), d.consumerTag(), d.queue(), d.messageId(), d.redelivered(),
            d.noAck(), onHeap(d.message())));
      } else if (effects.get(i) instanceof Effect.DeadLettered d && d.message().body() instanceof StoredBody) {
        if (effects == r.effects()) {
          effects = new ArrayList<>(effects);
        }
        effects.set(i, new Effect.DeadLettered(d.vhost(), onHeap(d.message())));
      }
    }
    return reply == r.reply() && effects == r.effects() ? r : new Result(reply, effects);
  }

  private static Message onHeap(Message m) {
    return m.withBody(MessageBody.of(m.body().bytes()));
  }

  /** A queue's store key and delivery watermark (the highest id ever handed out: it only grows). */
  private static final class QueueRecord {
    final byte[] key;
    long watermark;
    boolean watermarkRaised;
    /**
     * Whether expiry times / delivery counts were stored for its messages in this run: a policy
     * may since have changed the settings that say whether a message has them.
     */
    boolean storedExpiries;
    boolean storedCounts;

    QueueRecord(byte[] key, long watermark) {
      this.key = key;
      this.watermark = watermark;
    }
  }

  /** Writes what the broker reports into the batch of the entry being applied. */
  private final class Writer implements Changes {
    StoreBatch batch;
    /** References beyond the first to a stored body (a message in several queues here). */
    final Map<Long, Integer> extraRefs = new HashMap<>();
    /** Per queue, what the writer keeps: looked up by identity, once per change, so kept cheap. */
    final Map<QueueState, QueueRecord> queues = new java.util.IdentityHashMap<>();
    /** Restored watermarks, until the queue's record is made. */
    final Map<QueueName, Long> restoredWatermarks = new HashMap<>();
    private final List<QueueRecord> raisedWatermarks = new ArrayList<>();
    private long lastStoredBody = -1;

    private QueueRecord record(QueueState q) {
      QueueRecord r = queues.get(q);
      if (r == null) {
        r = new QueueRecord(PartitionLayout.queueKey(q.name()), restoredWatermarks.getOrDefault(q.name(), 0L));
        queues.put(q, r);
      }
      return r;
    }

    @Override
    public void queueAdded(QueueState q) {
      batch.put(PartitionLayout.QUEUES, PartitionLayout.queueKey(q.name()), CommandCodec.encode(
          Command.DeclareQueue.recreating(q.name(), q.durable(), false, q.autoDelete(), q.arguments(), 0)));
    }

    @Override
    public void policySet(Policy p) {
      batch.put(PartitionLayout.STATE, PartitionLayout.policyKey(p.vhost(), p.name()),
          CommandCodec.encode(new Command.SetPolicy(p)));
    }

    @Override
    public void policyCleared(String vhost, String name) {
      batch.delete(PartitionLayout.STATE, PartitionLayout.policyKey(vhost, name));
    }

    @Override
    public void queueRemoved(QueueState q) {
      QueueRecord r = record(q);
      batch.delete(PartitionLayout.QUEUES, r.key);
      batch.delete(PartitionLayout.STATE, PartitionLayout.watermarkKey(r.key));
      raisedWatermarks.remove(r);
      queues.remove(q);
      restoredWatermarks.remove(q.name());
    }

    @Override
    public void messageAdded(QueueState q, long id, Message m) {
      if (!stored(m)) {
        return;
      }
      byte[] body = m.body().bytes();
      Message header = m.withBody(MessageBody.of(new byte[0]));
      byte[] encoded = StoredMessage.encode(header);
      byte[] value = ByteBuffer.allocate(4 + encoded.length).putInt(body.length).put(encoded).array();
      batch.put(PartitionLayout.MESSAGES, PartitionLayout.messageKey(record(q).key, id), value);
      if (id == lastStoredBody) {
        extraRefs.merge(id, 1, Integer::sum);
      } else {
        batch.put(PartitionLayout.BODIES, PartitionLayout.bodyKey(id), body);
        lastStoredBody = id;
      }
    }

    /** Whether a message in this queue may have an expiry time stored. */
    static boolean mayExpire(QueueSettings settings, Message m) {
      return settings.messageTtl() >= 0 || m.expiration() != null;
    }

    @Override
    public void messageExpires(QueueState q, long id, Message m, long expiresAt) {
      if (stored(m)) {
        QueueRecord r = record(q);
        r.storedExpiries = true;
        batch.put(PartitionLayout.STATE, PartitionLayout.expiryKey(PartitionLayout.messageKey(r.key, id)),
            Keys.ofLong(expiresAt));
      }
    }

    @Override
    public void deliveryCounted(QueueState q, long id, Message m, int count) {
      if (stored(m)) {
        QueueRecord r = record(q);
        r.storedCounts = true;
        batch.put(PartitionLayout.STATE, PartitionLayout.deliveryCountKey(PartitionLayout.messageKey(r.key, id)),
            ByteBuffer.allocate(4).putInt(count).array());
      }
    }

    @Override
    public void messageRemoved(QueueState q, long id, Message m) {
      if (!stored(m)) {
        return;
      }
      QueueRecord r = record(q);
      byte[] messageKey = PartitionLayout.messageKey(r.key, id);
      batch.delete(PartitionLayout.MESSAGES, messageKey);
      if (r.storedExpiries || mayExpire(q.settings(), m)) {
        batch.delete(PartitionLayout.STATE, PartitionLayout.expiryKey(messageKey));
      }
      if (r.storedCounts || q.settings().countsDeliveries()) {
        batch.delete(PartitionLayout.STATE, PartitionLayout.deliveryCountKey(messageKey));
      }
      Integer extra = extraRefs.get(id);
      if (extra == null) {
        batch.delete(PartitionLayout.BODIES, PartitionLayout.bodyKey(id));
        if (m.body() instanceof StoredBody stored) {
          released.add(stored);
        }
      } else if (extra == 1) {
        extraRefs.remove(id);
      } else {
        extraRefs.put(id, extra - 1);
      }
    }

    @Override
    public void messageDelivered(QueueState q, long id) {
      QueueRecord r = record(q);
      if (id > r.watermark) {
        if (!r.watermarkRaised) {
          r.watermarkRaised = true;
          raisedWatermarks.add(r);
        }
        r.watermark = id;
      }
    }

    void flushState(long nextId) {
      for (QueueRecord r : raisedWatermarks) {
        batch.put(PartitionLayout.STATE, PartitionLayout.watermarkKey(r.key), Keys.ofLong(r.watermark));
        r.watermarkRaised = false;
      }
      raisedWatermarks.clear();
      batch.put(PartitionLayout.STATE, PartitionLayout.NEXT_ID, Keys.ofLong(nextId));
    }
  }
}
