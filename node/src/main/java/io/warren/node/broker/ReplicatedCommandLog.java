package io.warren.node.broker;

import io.warren.model.Broker;
import io.warren.model.ChannelRef;
import io.warren.model.Changes;
import io.warren.model.Command;
import io.warren.model.Effect;
import io.warren.model.Message;
import io.warren.model.Meta;
import io.warren.model.QueueName;
import io.warren.model.QueueState;
import io.warren.model.Reply;
import io.warren.model.Result;
import io.warren.node.replication.CommandBatch;
import io.warren.node.replication.MetaMachine;
import io.warren.node.replication.EntryResults;
import io.warren.node.replication.TopologyRecords;
import io.warren.protocol.ReplyCode;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's command log: one broker thread takes every session's commands in order and sends
 * each where it belongs (DESIGN.md, "Replication and durability").
 *
 * <ul>
 *   <li>The node's {@link Broker} routes every publish and holds the non-replicated queues
 *       (transient, exclusive, auto-delete): those commands apply here at once, no Raft, no fsync.
 *   <li>Durable topology (vhosts, durable exchanges, replicated queues, bindings between durable
 *       ends) goes through the metadata group; its state machine applies each committed entry to
 *       this same broker, on this thread ({@link MetaMachine.Host}). Such a command is a barrier:
 *       the session's later commands wait until it is applied, since they may depend on it.
 *   <li>Everything about a replicated queue's messages and consumers goes to the queue's partition
 *       group: a routed publish's share (one {@link Command.Enqueue} per partition), consume,
 *       get, settle, credit, cancel, purge. Partition entries pipeline; per node and group, Raft
 *       applies them in submission order.
 * </ul>
 *
 * <p>Everything that arrives in one cycle of this thread for one group goes in one log entry.
 * Each session gets its replies in submission order: a reply waits for the replies before it (a
 * publisher confirm after the message is committed). Effects (deliveries) go out as soon as they
 * are applied, except that deliveries to a consumer whose consume-ok is still waiting follow it.
 */
public final class ReplicatedCommandLog implements CommandLog, MetaMachine.Host {
  private static final Logger log = LoggerFactory.getLogger(ReplicatedCommandLog.class);
  public static final String META_GROUP = "meta";
  /** Submissions handled before replies are handed out, bounding the latency a cycle adds. */
  private static final int MAX_BATCH = 8192;
  /** Payload bytes per log entry before a cycle's commands for one group are split. */
  private static final long MAX_ENTRY_BYTES = 1 << 20;
  /**
   * Entries a group may have unanswered before this node's next commands for it wait and gather
   * into one entry. Under load each entry then carries many commands instead of a read cycle's
   * few: every entry costs Raft the same handoffs between threads, whatever it carries, and they
   * were much of a busy node's CPU. An idle group still gets a command at once.
   */
  private static final int MAX_ENTRIES_IN_FLIGHT = 3;
  private static final long META_APPLY_TIMEOUT_SECONDS = 60;

  /** Where log entries go: the Raft groups of this node. */
  @FunctionalInterface
  public interface GroupLog {
    /** Submits one entry (the buffer's remaining bytes, not copied); the future fails if it could not be committed. */
    CompletableFuture<?> submit(String group, ByteBuffer entry);
  }

  /** What to do when a command sent to a group was applied here, or could not be. */
  private interface Step {
    void applied(Result result);

    void failed(Throwable cause);
  }

  private record ConsumerKey(ChannelRef channel, String tag) {}

  private record SessionWork(ClientSession session, List<Submission> submissions) {}

  private record ExternalWork(Command command, CompletableFuture<Result> future) {}

  private record Registration(ClientSession session) {}

  private record MetaWork(long index, CommandBatch entry, CompletableFuture<List<TopologyRecords.Write>> done) {}

  private record RestoreWork(List<Command> commands, CompletableFuture<Void> done) {}

  /** A command for one group that no session waits for (a partition's {@link Command.Tick}). */
  private record GroupWork(String group, Command command) {}

  /** A group answered an entry this node sent; {@code cause} is null when it was committed. */
  private record EntryAnswered(String group, List<Long> correlations, Throwable cause) {}

  private record Inspection<T>(Function<Broker, T> reader, CompletableFuture<T> future) {
    void run(Broker broker) {
      try {
        future.complete(reader.apply(broker));
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      }
    }
  }

  /** One submitted command awaiting its reply; replies leave a session in submission order. */
  private final class Slot {
    final SessionState owner;
    final Submission submission;
    Reply reply;
    boolean done;
    final List<Effect> effects = new ArrayList<>(0);
    /** Group results still to come, for commands sent to several places. */
    int outstanding;
    boolean routed;
    boolean failed;
    /** For a client publish: the queues the node routed it to (the per-queue counters). */
    List<QueueName> routedTo = List.of();

    Slot(SessionState owner, Submission submission) {
      this.owner = owner;
      this.submission = submission;
    }

    Command command() {
      return submission.command();
    }

    void complete(Reply r) {
      if (!done) {
        reply = r;
        done = true;
        touched.add(owner);
      }
    }
  }

  /** A session as this thread sees it: its reply order, its barrier, its pending consumes. */
  private final class SessionState {
    final ClientSession session; // null for commands from outside any session
    final ArrayDeque<Slot> slots = new ArrayDeque<>();
    final ArrayDeque<Submission> waiting = new ArrayDeque<>();
    final Map<ConsumerKey, Slot> consumeSlots = new HashMap<>();
    Slot barrier;
    boolean closed;
    ClientSession.AppliedBatch outbox;

    SessionState(ClientSession session) {
      this.session = session;
    }

    void emit(Effect e, ConsumerKey key) {
      Slot consume = consumeSlots.get(key);
      if (consume != null) {
        consume.effects.add(e);
      } else if (session != null) {
        outbox().addEffect(e);
      }
    }

    ClientSession.AppliedBatch outbox() {
      if (outbox == null) {
        outbox = new ClientSession.AppliedBatch();
        ready.add(this);
      }
      return outbox;
    }

    void flush() {
      while (!slots.isEmpty() && slots.peekFirst().done) {
        Slot s = slots.pollFirst();
        if (s.command() instanceof Command.Consume c) {
          consumeSlots.remove(new ConsumerKey(c.channel(), c.consumerTag()), s);
        }
        if (session == null) {
          if (s.submission.onReply() != null) {
            s.submission.onReply().onReply(s.reply);
          }
          continue;
        }
        ClientSession.AppliedBatch out = outbox();
        out.addReply(s.submission.onReply(), s.reply, s.routedTo);
        for (Effect e : s.effects) {
          out.addEffect(e);
        }
      }
    }
  }

  private final Broker broker;
  private final TopologyRecords records;
  private final long origin;
  private final boolean clustered;
  private final List<String> partitions;
  private volatile GroupLog groups;
  private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sleeping = new AtomicBoolean();
  private final Thread thread;
  private volatile boolean running = true;

  // Touched only by the broker thread.
  private final Map<Long, SessionState> sessions = new HashMap<>();
  private final Set<SessionState> ready = new LinkedHashSet<>();
  private final Set<SessionState> touched = new LinkedHashSet<>();
  private final Map<Long, Step> steps = new HashMap<>();
  private long nextCorrelation = 1;
  private final Map<String, List<CommandBatch.Tagged>> outgoing = new LinkedHashMap<>();
  private final Map<String, Integer> entriesInFlight = new HashMap<>();
  private final Map<ConsumerKey, String> consumerGroups = new HashMap<>();
  /** Partition groups each connection has consumers or held messages in (told when it closes). */
  private final Map<Long, Set<String>> connectionGroups = new HashMap<>();
  /**
   * Store writes of local queue removals waiting for their {@link Command.Withdraw} to be applied
   * in the metadata group: that is when this node's records change, as every other node's do.
   */
  private final Map<Command.Withdraw, List<TopologyRecords.Write>> withdrawnWrites = new HashMap<>();
  /** Local queues that took the client publish being applied; broker thread only. */
  private final List<QueueName> routedHere = new ArrayList<>(2);
  private boolean collectingRoutes;
  private volatile Consumer<QueueName> queueRemovedListener = q -> { };

  /**
   * @param broker the node's broker, made with {@link Broker#withReplicatedStandIns()}
   * @param origin this node run's id, unique across runs and nodes: entries carry it so results
   *     reach the run that submitted them
   * @param partitions the names of the queue partition groups
   * @param clustered other nodes share the groups (a channel's first commands then wait for this
   *     node's metadata to catch up)
   */
  public ReplicatedCommandLog(Broker broker, long origin, List<String> partitions, boolean clustered) {
    this.broker = broker;
    this.clustered = clustered;
    this.records = new TopologyRecords(broker, clustered);
    broker.setChanges(new ChangesTee(records, new Observations()));
    this.origin = origin;
    this.partitions = List.copyOf(partitions);
    this.thread = new Thread(this::run, "warren-broker");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Tells {@code listener} (on the broker thread) of every queue that goes from this node's broker:
   * deleted, expired, withdrawn, or the stand-in of a replicated queue deleted through any node.
   */
  public void onQueueRemoved(Consumer<QueueName> listener) {
    this.queueRemovedListener = listener;
  }

  /** Connects the log to the Raft groups, once they run. Commands for them wait until then. */
  public void attach(GroupLog groupLog) {
    this.groups = groupLog;
    wake();
  }

  /** The partition group a replicated queue lives in: a stable hash of its name. */
  public String partitionOf(QueueName queue) {
    int h = (queue.vhost() + "\u0000" + queue.name()).hashCode();
    return partitions.get(Math.floorMod(h, partitions.size()));
  }

  // ------------------------------------------------------------------ the CommandLog interface

  @Override
  public void register(ClientSession session) {
    enqueue(new Registration(session));
  }

  @Override
  public void submit(ClientSession session, List<Submission> submissions) {
    if (!submissions.isEmpty()) {
      enqueue(new SessionWork(session, submissions));
    }
  }

  @Override
  public io.warren.model.AccessControl access() {
    return broker.access();
  }

  @Override
  public CompletableFuture<Result> submit(Command command) {
    CompletableFuture<Result> future = new CompletableFuture<>();
    enqueue(new ExternalWork(command, future));
    return future;
  }

  /**
   * Runs {@code reader} on the broker thread between two commands and completes the future with
   * what it returns: the only safe way for another thread to look at the node's broker. {@code
   * reader} must not change it and should be quick; it should copy what it needs into immutable
   * values. The future never completes once the log is closed, so callers wait with a timeout.
   * Replicated queues are stand-ins here: their figures are in the partitions.
   */
  public <T> CompletableFuture<T> inspect(Function<Broker, T> reader) {
    CompletableFuture<T> future = new CompletableFuture<>();
    enqueue(new Inspection<>(reader, future));
    return future;
  }

  /**
   * Sends {@code command} to {@code group} in the next entry, with nobody waiting for its reply;
   * its effects go out like any others. For the expiry ticker's {@link Command.Tick}s.
   */
  public void submitTo(String group, Command command) {
    enqueue(new GroupWork(group, command));
  }

  /** Hands what a partition applied to the sessions here; called once its batch is written. */
  public void partitionApplied(EntryResults outcome) {
    enqueue(outcome);
  }

  // ------------------------------------------------------------------ MetaMachine.Host

  @Override
  public void restoreTopology(List<Command> commands) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueue(new RestoreWork(commands, done));
    await(done);
  }

  @Override
  public List<TopologyRecords.Write> applyMeta(long index, CommandBatch entry) {
    CompletableFuture<List<TopologyRecords.Write>> done = new CompletableFuture<>();
    enqueue(new MetaWork(index, entry, done));
    return await(done);
  }

  private <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(META_APPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the broker thread applied metadata", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the broker thread did not apply metadata", e);
    }
  }

  // ------------------------------------------------------------------ the broker thread

  private void enqueue(Object work) {
    inbox.offer(work);
    wake();
  }

  private void wake() {
    if (sleeping.get() && sleeping.compareAndSet(true, false)) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (running) {
      Object work = inbox.poll();
      if (work == null) {
        sleeping.set(true);
        if (inbox.isEmpty() && running) {
          LockSupport.park(this);
        }
        sleeping.set(false);
        continue;
      }
      int handled = 0;
      while (work != null) {
        try {
          handled += process(work);
        } catch (RuntimeException e) {
          log.error("Bug: broker thread failed on {}", work.getClass().getSimpleName(), e);
        }
        if (handled >= MAX_BATCH) {
          break;
        }
        work = inbox.poll();
      }
      endOfCycle();
    }
  }

  private int process(Object work) {
    if (work instanceof SessionWork w) {
      SessionState s = sessions.computeIfAbsent(w.session().connectionId(), id -> new SessionState(w.session()));
      for (Submission sub : w.submissions()) {
        accept(s, sub);
      }
      return w.submissions().size();
    } else if (work instanceof EntryResults o) {
      applied(o);
      return o.results().size();
    } else if (work instanceof ExternalWork w) {
      SessionState s = new SessionState(null);
      accept(s, new Submission(w.command(), reply -> w.future().complete(Result.of(reply))));
      touched.add(s);
      return 1;
    } else if (work instanceof MetaWork w) {
      applyMeta(w);
    } else if (work instanceof EntryAnswered f) {
      entriesInFlight.merge(f.group(), -1, Integer::sum);
      if (f.cause() == null) {
        return 0;
      }
      for (long correlation : f.correlations()) {
        Step step = steps.remove(correlation);
        if (step != null) {
          step.failed(f.cause());
        }
      }
    } else if (work instanceof Registration r) {
      sessions.computeIfAbsent(r.session().connectionId(), id -> new SessionState(r.session()));
    } else if (work instanceof RestoreWork w) {
      broker.resetAccess(); // users and permissions are all recorded: the records are the whole truth
      if (clustered) {
        forgetUnrecorded(w.commands());
      }
      for (Command c : w.commands()) {
        applyHere(c);
      }
      records.take();
      records.takeWithdrawals();
      w.done().complete(null);
    } else if (work instanceof Inspection<?> inspection) {
      inspection.run(broker);
    } else if (work instanceof GroupWork w) {
      toGroup(w.group(), w.command(), IGNORED);
    }
    return 0;
  }

  /**
   * In a cluster all topology is recorded, so a restore brings exactly the recorded topology: on a
   * running node (a snapshot installed from the leader) what is not recorded was deleted meanwhile.
   */
  private void forgetUnrecorded(List<Command> recorded) {
    Set<io.warren.model.ExchangeName> exchanges = new HashSet<>();
    Set<QueueName> queues = new HashSet<>();
    Set<io.warren.model.Binding> bindings = new HashSet<>();
    Set<String> vhosts = new HashSet<>(Set.of(Broker.DEFAULT_VHOST)); // "/" exists without a record
    Set<List<String>> policies = new HashSet<>();
    for (Command c : recorded) {
      if (c instanceof Command.AddVhost v) {
        vhosts.add(v.vhost());
      } else if (c instanceof Command.DeclareExchange x) {
        exchanges.add(x.name());
      } else if (c instanceof Command.DeclareQueue q) {
        queues.add(q.name());
      } else if (c instanceof Command.Bind b) {
        bindings.add(new io.warren.model.Binding(b.source(), b.destination(), b.routingKey(), b.arguments()));
      } else if (c instanceof Command.SetPolicy p) {
        policies.add(List.of(p.policy().vhost(), p.policy().name()));
      }
    }
    emitAll(broker.retainTopology(exchanges, queues, bindings));
    for (String vhost : broker.vhosts().stream().map(io.warren.model.VirtualHost::name).toList()) {
      if (!vhosts.contains(vhost)) {
        emitAll(applyHere(new Command.DeleteVhost(vhost)).effects()); // deleted since this copy was taken
      }
    }
    for (io.warren.model.Policy p : broker.policies().all()) {
      if (!policies.contains(List.of(p.vhost(), p.name()))) {
        applyHere(new Command.ClearPolicy(p.vhost(), p.name()));
      }
    }
  }

  private void endOfCycle() {
    submitOutgoing();
    for (SessionState s : touched) {
      s.flush();
    }
    touched.clear();
    for (SessionState s : ready) {
      ClientSession.AppliedBatch batch = s.outbox;
      s.outbox = null;
      try {
        s.session.execute(() -> s.session.onApplied(batch));
      } catch (RuntimeException ex) {
        log.debug("Session {} no longer takes work", s.session.connectionId(), ex);
      }
    }
    ready.clear();
    sessions.values().removeIf(s -> s.closed && s.slots.isEmpty());
  }

  // ------------------------------------------------------------------ routing commands

  private void accept(SessionState s, Submission sub) {
    touched.add(s);
    if (s.barrier != null) {
      s.waiting.add(sub);
      return;
    }
    Slot slot = new Slot(s, sub);
    s.slots.add(slot);
    Command c = sub.command();
    if (c instanceof Command.Publish p) {
      publish(s, slot, p);
    } else if (c instanceof Command.DeadLetter d) {
      publish(s, slot, d);
    } else if (c instanceof Command.Settle x) {
      toQueue(s, slot, x.queue());
    } else if (c instanceof Command.Credit x) {
      toConsumer(s, slot, new ConsumerKey(x.channel(), x.consumerTag()));
    } else if (c instanceof Command.Consume x) {
      consume(s, slot, x);
    } else if (c instanceof Command.Cancel x) {
      toConsumer(s, slot, new ConsumerKey(x.channel(), x.consumerTag()));
    } else if (c instanceof Command.Get x) {
      if (isStandIn(x.queue())) {
        touch(x.channel().connection(), partitionOf(x.queue()));
      }
      toQueue(s, slot, x.queue());
    } else if (c instanceof Command.PurgeQueue x) {
      toQueue(s, slot, x.name());
    } else if (c instanceof Command.DeclareQueue x) {
      declareQueue(s, slot, x);
    } else if (c instanceof Command.DeleteQueue x) {
      deleteQueue(s, slot, x);
    } else if (c instanceof Command.DeclareExchange x) {
      if (!x.passive() && (x.durable() || clustered)) {
        toMeta(s, slot);
      } else {
        local(s, slot);
      }
    } else if (c instanceof Command.DeleteExchange x) {
      if (clustered || broker.exchange(x.name()).map(e -> e.durable()).orElse(false)) {
        toMeta(s, slot);
      } else {
        local(s, slot);
      }
    } else if (c instanceof Command.Bind x) {
      bindingChange(s, slot, x.source(), x.destination());
    } else if (c instanceof Command.Unbind x) {
      bindingChange(s, slot, x.source(), x.destination());
    } else if (c instanceof Command.AddVhost || c instanceof Command.AccessCommand) {
      toMeta(s, slot);
    } else if (c instanceof Command.DeleteVhost x) {
      deleteVhost(s, slot, x);
    } else if (c instanceof Command.SetPolicy || c instanceof Command.ClearPolicy) {
      policyChange(s, slot);
    } else if (c instanceof Command.OpenChannel x && clustered) {
      openChannelAfterMetadata(s, slot, x);
    } else if (c instanceof Command.CloseChannel x) {
      everywhere(s, slot, x.channel().connection(), connectionGroups.getOrDefault(x.channel().connection(), Set.of()));
    } else if (c instanceof Command.CloseConnection x) {
      everywhere(s, slot, x.connection(), connectionGroups.getOrDefault(x.connection(), Set.of()));
    } else if (c instanceof Command.SetChannelPrefetch x) {
      partitions.forEach(g -> touch(x.channel().connection(), g));
      everywhere(s, slot, x.channel().connection(), Set.copyOf(partitions));
    } else if ((c instanceof Command.Restarted || c instanceof Command.NodeDown) && clustered) {
      // The metadata group applies it on every node too: their copies of this node's
      // non-replicated queues go (and this node's own records of them).
      Set<String> all = new LinkedHashSet<>(partitions);
      all.add(META_GROUP);
      toGroups(slot, all, () -> slot.complete(Reply.OK));
    } else if (c instanceof Command.Restarted) {
      everywhere(s, slot, 0, Set.copyOf(partitions));
    } else if (c instanceof Command.SetFlow x) {
      partitions.forEach(g -> touch(x.channel().connection(), g));
      everywhere(s, slot, x.channel().connection(), Set.copyOf(partitions));
    } else {
      local(s, slot);
    }
  }

  private boolean isStandIn(QueueName name) {
    return broker.queue(name).map(QueueState::replicated).orElse(false);
  }

  private void touch(long connection, String group) {
    connectionGroups.computeIfAbsent(connection, id -> new HashSet<>()).add(group);
  }

  /** Applies to the node's broker now; effects follow the reply. */
  private void local(SessionState s, Slot slot) {
    Result r = applyHere(slot.command());
    slot.complete(r.reply());
    emitAll(r.effects());
    if (slot.command() instanceof Command.CloseConnection) {
      s.closed = true;
    }
  }

  private Result applyHere(Command command) {
    try {
      Result r = broker.apply(new Meta(0, System.currentTimeMillis()), command);
      carryOut(r.effects());
      return r;
    } catch (RuntimeException e) {
      log.error("Bug: applying {} failed", command, e);
      return Result.of(new Reply.Failure(ReplyCode.INTERNAL_ERROR,
          "internal error applying " + command.getClass().getSimpleName()));
    } finally {
      if (records.hasWrites()) {
        withdrawRemovedQueues(records.take(), records.takeWithdrawals());
      }
    }
  }

  /**
   * A change to recorded topology outside the metadata group: only a cascade from a
   * non-replicated queue held here can cause one (its exclusive owner closed, its last consumer
   * left; an auto-delete exchange may follow). On a single node it is not recorded (see
   * docs/architecture.md). In a cluster the other nodes drop their stand-ins when the metadata
   * group applies the {@link Command.Withdraw}s, and this node's records change then too.
   */
  private void withdrawRemovedQueues(List<TopologyRecords.Write> writes, List<Command.Withdraw> withdrawals) {
    if (!clustered || withdrawals.isEmpty()) {
      return;
    }
    withdrawnWrites.put(withdrawals.get(0), writes);
    for (Command.Withdraw w : withdrawals) {
      toGroup(META_GROUP, w, new Step() {
        @Override
        public void applied(Result result) {}

        @Override
        public void failed(Throwable cause) {
          withdrawnWrites.remove(w);
          log.warn("Could not withdraw {} from the other nodes ({}); they drop it when this node restarts",
              w.name(), cause.toString());
        }
      });
    }
  }

  /** A command about one queue: to its partition if replicated, else here. */
  private void toQueue(SessionState s, Slot slot, QueueName queue) {
    if (isStandIn(queue)) {
      toGroup(partitionOf(queue), slot.command(), replyStep(slot));
    } else {
      local(s, slot);
    }
  }

  private void toConsumer(SessionState s, Slot slot, ConsumerKey key) {
    String group = consumerGroups.get(key);
    if (group == null) {
      local(s, slot);
      return;
    }
    if (slot.command() instanceof Command.Cancel) {
      consumerGroups.remove(key);
    }
    toGroup(group, slot.command(), replyStep(slot));
  }

  private void consume(SessionState s, Slot slot, Command.Consume c) {
    ConsumerKey key = new ConsumerKey(c.channel(), c.consumerTag());
    s.consumeSlots.put(key, slot);
    if (!isStandIn(c.queue())) {
      local(s, slot);
      return;
    }
    String group = partitionOf(c.queue());
    consumerGroups.put(key, group);
    touch(c.channel().connection(), group);
    toGroup(group, c, new Step() {
      @Override
      public void applied(Result result) {
        if (result.reply().isFailure()) {
          consumerGroups.remove(key, group);
        }
        slot.complete(result.reply());
      }

      @Override
      public void failed(Throwable cause) {
        consumerGroups.remove(key, group);
        slot.complete(unavailable(cause));
      }
    });
  }

  /**
   * A publish or a dead letter: routed here, then enqueued in the partitions of its replicated
   * queues and relayed to the non-replicated queues of other nodes.
   */
  private void publish(SessionState s, Slot slot, Command p) {
    boolean client = p instanceof Command.Publish;
    collectingRoutes = client;
    Result r;
    try {
      r = applyHere(p);
    } finally {
      collectingRoutes = false;
    }
    List<QueueName> here = routedHere.isEmpty() ? List.of() : List.copyOf(routedHere);
    routedHere.clear();
    if (!(r.reply() instanceof Reply.Forward f)) {
      slot.routedTo = here;
      slot.complete(r.reply());
      emitAll(r.effects());
      return;
    }
    if (client) {
      List<QueueName> all = new ArrayList<>(here.size() + f.replicated().size() + f.remote().size());
      all.addAll(here);
      all.addAll(f.replicated());
      all.addAll(f.remote());
      slot.routedTo = all;
    }
    emitAll(r.effects());
    slot.routed = f.routedHere();
    slot.failed = f.refusedHere(); // a full queue refused it: the publisher gets basic.nack
    // Replicated queues get the message in their partitions; non-replicated queues of other nodes
    // get it relayed through a partition's log (to every node; the one holding the queue takes it).
    List<Map.Entry<String, Command>> shares = new ArrayList<>(2);
    byPartition(f.replicated()).forEach((group, queues) -> shares.add(Map.entry(group,
        new Command.Enqueue(queues, f.message()))));
    byPartition(f.remote()).forEach((group, queues) -> shares.add(Map.entry(group,
        new Command.Relay(queues, f.message()))));
    slot.outstanding = shares.size();
    shares.forEach(share -> toGroup(share.getKey(), share.getValue(), new Step() {
      @Override
      public void applied(Result result) {
        slot.routed |= result.reply() == Reply.ROUTED;
        slot.failed |= result.reply() instanceof Reply.NotStored;
        settle();
      }

      @Override
      public void failed(Throwable cause) {
        slot.failed = true;
        settle();
      }

      void settle() {
        if (--slot.outstanding == 0) {
          slot.complete(slot.failed ? new Reply.NotStored("queue partition unavailable or queue full")
              : slot.routed ? Reply.ROUTED : Reply.UNROUTED);
        }
      }
    }));
  }

  private Map<String, List<QueueName>> byPartition(List<QueueName> queues) {
    Map<String, List<QueueName>> byGroup = new LinkedHashMap<>();
    for (QueueName q : queues) {
      byGroup.computeIfAbsent(partitionOf(q), g -> new ArrayList<>(2)).add(q);
    }
    return byGroup;
  }

  private void declareQueue(SessionState s, Slot slot, Command.DeclareQueue d) {
    QueueState existing = broker.queue(d.name()).orElse(null);
    boolean replicatedNow = existing != null && existing.replicated();
    if (d.passive() && replicatedNow) {
      toGroup(partitionOf(d.name()), d, replyStep(slot)); // the figures are in the partition
    } else if (!d.passive() && QueueState.isReplicated(d.durable(), d.exclusive(), clustered)
        && (existing == null || replicatedNow)) {
      // Metadata first (name, arguments, equivalence), then the partition creates the queue and
      // answers with its figures.
      barrier(s, slot);
      toGroup(META_GROUP, d, new BarrierStep(s, slot) {
        @Override
        public void applied(Result result) {
          if (result.reply().isFailure()) {
            finish(result.reply());
          } else {
            toGroup(partitionOf(d.name()), d, new BarrierStep(s, slot));
          }
        }
      });
    } else if (!d.passive() && clustered) {
      toMeta(s, slot); // every node learns of it; the one the declaring client is on holds it
    } else {
      local(s, slot);
    }
  }

  private void deleteQueue(SessionState s, Slot slot, Command.DeleteQueue d) {
    if (!isStandIn(d.name())) {
      if (clustered && broker.queue(d.name()).isPresent()) {
        toMeta(s, slot);
      } else {
        local(s, slot);
      }
      return;
    }
    // The partition checks if-unused / if-empty and drops the messages; then metadata forgets the
    // queue and its bindings.
    barrier(s, slot);
    toGroup(partitionOf(d.name()), d, new BarrierStep(s, slot) {
      @Override
      public void applied(Result partitionResult) {
        if (partitionResult.reply().isFailure()) {
          finish(partitionResult.reply());
          return;
        }
        toGroup(META_GROUP, d, new BarrierStep(s, slot) {
          @Override
          public void applied(Result metaResult) {
            finish(partitionResult.reply());
          }
        });
      }
    });
  }

  /**
   * Metadata first (everything in the vhost goes, its connections close), then each replicated
   * queue it had is deleted in its partition, with its messages.
   */
  private void deleteVhost(SessionState s, Slot slot, Command.DeleteVhost d) {
    List<QueueName> replicated = broker.vhost(d.vhost())
        .map(vh -> vh.queues().keySet().stream().map(q -> new QueueName(d.vhost(), q)).filter(this::isStandIn).toList())
        .orElse(List.of());
    barrier(s, slot);
    toGroup(META_GROUP, d, new BarrierStep(s, slot) {
      @Override
      public void applied(Result result) {
        if (!result.reply().isFailure()) {
          for (QueueName q : replicated) {
            toGroup(partitionOf(q), new Command.DeleteQueue(q, false, false, 0), IGNORED);
          }
        }
        finish(result.reply());
      }
    });
  }

  /**
   * A policy goes to the metadata group (every node's broker: routing stand-ins and the
   * non-replicated queues held there), then to every queue partition, whose replicas apply it to
   * the replicated queues in their own log order; the reply waits for all of them.
   */
  private void policyChange(SessionState s, Slot slot) {
    barrier(s, slot);
    toGroup(META_GROUP, slot.command(), new BarrierStep(s, slot) {
      @Override
      public void applied(Result metaResult) {
        if (metaResult.reply().isFailure() || partitions.isEmpty()) {
          finish(metaResult.reply());
          return;
        }
        slot.outstanding = partitions.size();
        BarrierStep self = this;
        Step each = new Step() {
          Throwable failure;

          @Override
          public void applied(Result result) {
            done();
          }

          @Override
          public void failed(Throwable cause) {
            failure = cause; // setting the policy again brings the partitions in line
            done();
          }

          void done() {
            if (--slot.outstanding == 0) {
              self.finish(failure == null ? metaResult.reply() : unavailable(failure));
            }
          }
        };
        partitions.forEach(g -> toGroup(g, slot.command(), each));
      }
    });
  }

  private void bindingChange(SessionState s, Slot slot, io.warren.model.ExchangeName source,
      io.warren.model.Resource destination) {
    boolean durableSource = broker.exchange(source).map(e -> e.durable()).orElse(false);
    boolean durableDestination = destination instanceof QueueName q
        ? isStandIn(q)
        : broker.exchange((io.warren.model.ExchangeName) destination).map(e -> e.durable()).orElse(false);
    if (clustered || (durableSource && durableDestination)) {
      toMeta(s, slot);
    } else {
      local(s, slot);
    }
  }

  private void toMeta(SessionState s, Slot slot) {
    barrier(s, slot);
    toGroup(META_GROUP, slot.command(), new BarrierStep(s, slot));
  }

  /**
   * In a cluster this node's copy of the metadata may trail what another node has just confirmed
   * to a client (a queue, exchange or binding declared there). So a new channel's commands wait
   * until everything committed in the metadata group so far is applied here: a client that
   * declares through one node and then opens a channel on another finds what it declared.
   */
  private void openChannelAfterMetadata(SessionState s, Slot slot, Command.OpenChannel open) {
    emitAll(applyHere(open).effects());
    barrier(s, slot);
    toGroup(META_GROUP, new Command.Sync(open.channel()), new BarrierStep(s, slot));
  }

  /**
   * A command that concerns a connection everywhere: applied here and in every partition that
   * knows the connection; the reply is this node's.
   */
  private void everywhere(SessionState s, Slot slot, long connection, Set<String> groupsToTell) {
    Result r = applyHere(slot.command());
    emitAll(r.effects());
    boolean closing = slot.command() instanceof Command.CloseConnection;
    if (closing) {
      connectionGroups.remove(connection);
    }
    if (closing || slot.command() instanceof Command.CloseChannel) {
      consumerGroups.keySet().removeIf(k -> closing
          ? k.channel().connection() == connection
          : k.channel().equals(((Command.CloseChannel) slot.command()).channel()));
    }
    if (groupsToTell.isEmpty()) {
      slot.complete(r.reply());
      s.closed |= closing;
      return;
    }
    toGroups(slot, groupsToTell, () -> {
      slot.complete(r.reply());
      s.closed |= closing;
    });
  }

  /** Sends the slot's command to each of {@code groups}; {@code allDone} runs once every one applied it (or failed). */
  private void toGroups(Slot slot, Set<String> groups, Runnable allDone) {
    slot.outstanding = groups.size();
    Step step = new Step() {
      @Override
      public void applied(Result result) {
        done();
      }

      @Override
      public void failed(Throwable cause) {
        done();
      }

      void done() {
        if (--slot.outstanding == 0) {
          allDone.run();
        }
      }
    };
    for (String group : groups) {
      toGroup(group, slot.command(), step);
    }
  }

  private void barrier(SessionState s, Slot slot) {
    s.barrier = slot;
  }

  /** Completes a barrier command and lets the session's waiting commands through. */
  private class BarrierStep implements Step {
    private final SessionState s;
    private final Slot slot;

    BarrierStep(SessionState s, Slot slot) {
      this.s = s;
      this.slot = slot;
    }

    @Override
    public void applied(Result result) {
      finish(result.reply());
    }

    @Override
    public void failed(Throwable cause) {
      finish(unavailable(cause));
    }

    void finish(Reply reply) {
      slot.complete(reply);
      if (s.barrier == slot) {
        s.barrier = null;
        touched.add(s);
        while (s.barrier == null && !s.waiting.isEmpty()) {
          accept(s, s.waiting.pollFirst());
        }
      }
    }
  }

  /** For commands nobody waits for. */
  private static final Step IGNORED = new Step() {
    @Override
    public void applied(Result result) {}

    @Override
    public void failed(Throwable cause) {}
  };

  private Step replyStep(Slot slot) {
    return new Step() {
      @Override
      public void applied(Result result) {
        slot.complete(result.reply());
      }

      @Override
      public void failed(Throwable cause) {
        slot.complete(unavailable(cause));
      }
    };
  }

  private static Reply unavailable(Throwable cause) {
    log.warn("Replicated command failed: {}", cause.toString());
    return new Reply.Failure(ReplyCode.INTERNAL_ERROR, "replication unavailable: " + cause.getMessage());
  }

  // ------------------------------------------------------------------ groups

  private void toGroup(String group, Command command, Step step) {
    long correlation = nextCorrelation++;
    steps.put(correlation, step);
    outgoing.computeIfAbsent(group, g -> new ArrayList<>()).add(new CommandBatch.Tagged(correlation, command));
  }

  /**
   * Sends what this cycle gathered for each group, in entries of at most {@link #MAX_ENTRY_BYTES}.
   * A group with {@link #MAX_ENTRIES_IN_FLIGHT} entries unanswered keeps its commands for a later
   * cycle, until they fill an entry.
   */
  private void submitOutgoing() {
    GroupLog target = groups;
    if (outgoing.isEmpty() || target == null) {
      return;
    }
    Iterator<Map.Entry<String, List<CommandBatch.Tagged>>> groupsWithWork = outgoing.entrySet().iterator();
    while (groupsWithWork.hasNext()) {
      Map.Entry<String, List<CommandBatch.Tagged>> e = groupsWithWork.next();
      boolean busy = entriesInFlight.getOrDefault(e.getKey(), 0) >= MAX_ENTRIES_IN_FLIGHT;
      List<CommandBatch.Tagged> chunk = new ArrayList<>();
      long bytes = 0;
      for (CommandBatch.Tagged t : e.getValue()) {
        long size = t.command() instanceof Command.Enqueue q ? q.message().size() + 256 : 256;
        if (!chunk.isEmpty() && bytes + size > MAX_ENTRY_BYTES) {
          submitEntry(target, e.getKey(), chunk, bytes);
          chunk = new ArrayList<>();
          bytes = 0;
        }
        chunk.add(t);
        bytes += size;
      }
      if (busy) {
        e.setValue(chunk); // less than an entry's worth: it waits for an answer
      } else {
        submitEntry(target, e.getKey(), chunk, bytes);
        groupsWithWork.remove();
      }
    }
  }

  private void submitEntry(GroupLog target, String group, List<CommandBatch.Tagged> commands, long expectedBytes) {
    List<Long> correlations = commands.stream().map(CommandBatch.Tagged::correlation).toList();
    CompletableFuture<?> future;
    try {
      future = target.submit(group, new CommandBatch(origin, System.currentTimeMillis(), commands)
          .encodeToBuffer((int) expectedBytes));
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    entriesInFlight.merge(group, 1, Integer::sum);
    future.whenComplete((ok, failure) -> enqueue(new EntryAnswered(group, correlations, failure)));
  }

  /** A partition applied an entry (on this replica): replies to our sessions, effects to all. */
  private void applied(EntryResults o) {
    boolean ours = o.origin() == origin;
    for (EntryResults.Tagged t : o.results()) {
      Step step = ours ? steps.remove(t.correlation()) : null;
      List<QueueName> deletedThere = ours ? autoDeletedStandIns(t.result().effects()) : List.of();
      if (step != null && deletedThere.isEmpty()) {
        step.applied(t.result());
      }
      emitAll(t.result().effects());
      if (ours) {
        carryOut(t.result().effects());
        if (!deletedThere.isEmpty()) {
          forgetInMetadata(deletedThere, step == null ? null : () -> step.applied(t.result()));
        }
      }
    }
  }

  private List<QueueName> autoDeletedStandIns(List<Effect> effects) {
    List<QueueName> queues = List.of();
    for (Effect e : effects) {
      if (e instanceof Effect.QueueAutoDeleted x && isStandIn(x.queue())) {
        queues = queues.isEmpty() ? new ArrayList<>(1) : queues;
        queues.add(x.queue());
      }
    }
    return queues;
  }

  /**
   * Replicated queues that deleted themselves in their partition (x-expires, or an auto-delete
   * queue's last consumer went through a command this node submitted) are deleted from the
   * metadata too: their names and bindings, on every node. The command's reply waits for that
   * ({@code then}), so that a client which sees its cancel-ok finds the queue gone through any
   * node, as in RabbitMQ, and a declare sent after it makes a new queue.
   */
  private void forgetInMetadata(List<QueueName> queues, Runnable then) {
    int[] left = {queues.size()};
    Runnable one = () -> {
      if (--left[0] == 0 && then != null) {
        then.run();
      }
    };
    for (QueueName q : queues) {
      toGroup(META_GROUP, new Command.DeleteQueue(q, false, false, 0), new Step() {
        @Override
        public void applied(Result result) {
          one.run();
        }

        @Override
        public void failed(Throwable cause) {
          log.warn("Could not delete {} from the metadata after its partition deleted it ({}); it stays "
              + "declared, without messages, until deleted", q, cause.toString());
          one.run();
        }
      });
    }
  }

  /**
   * The effects that concern the node rather than a connection, carried out by the node that
   * submitted the command: a dead letter is routed through its dead-letter exchange. Queued as
   * work of its own, after what is being processed.
   */
  private void carryOut(List<Effect> effects) {
    for (Effect e : effects) {
      if (e instanceof Effect.DeadLettered d) {
        inbox.offer(new ExternalWork(new Command.DeadLetter(d.vhost(), d.message()), new CompletableFuture<>()));
      }
    }
  }

  /** Enqueues a relayed publish in those of its queues that live on this node, if any. */
  private void takeRelayed(Effect.Relayed relayed) {
    List<QueueName> here = relayed.queues().stream()
        .filter(q -> broker.queue(q).map(QueueState::holdsMessages).orElse(false))
        .toList();
    if (!here.isEmpty()) {
      emitAll(applyHere(new Command.Enqueue(here, relayed.message())).effects());
    }
  }

  private void applyMeta(MetaWork w) {
    boolean ours = w.entry().origin() == origin;
    List<TopologyRecords.Write> extra = new ArrayList<>(0);
    try {
      for (CommandBatch.Tagged t : w.entry().commands()) {
        Result r;
        try {
          r = broker.apply(new Meta(w.index(), 0), t.command());
        } catch (RuntimeException e) {
          log.error("Bug: applying metadata command {} failed", t.command(), e);
          r = Result.of(new Reply.Failure(ReplyCode.INTERNAL_ERROR, "internal error"));
        }
        Step step = ours ? steps.remove(t.correlation()) : null;
        if (step != null) {
          step.applied(r);
        }
        emitAll(r.effects());
        if (t.command() instanceof Command.SetPolicy) {
          // Only the node holding a non-replicated queue drops its messages, on every node's copy
          // of the log alike: that node republishes what they dead-letter.
          carryOut(r.effects());
        }
        if (ours && t.command() instanceof Command.Withdraw withdraw) {
          extra.addAll(withdrawnWrites.getOrDefault(withdraw, List.of()));
          withdrawnWrites.remove(withdraw);
        }
      }
    } finally {
      records.takeWithdrawals(); // removed by the metadata group on every node alike: nothing to tell
      List<TopologyRecords.Write> writes = new ArrayList<>(records.take());
      writes.addAll(extra);
      w.done().complete(writes);
    }
  }

  private void emitAll(List<Effect> effects) {
    for (Effect e : effects) {
      if (e instanceof Effect.Relayed relayed) {
        takeRelayed(relayed);
        continue;
      }
      SessionState s = sessions.get(e.connection());
      ConsumerKey key;
      if (e instanceof Effect.Deliver d) {
        key = new ConsumerKey(d.channel(), d.consumerTag());
      } else if (e instanceof Effect.ConsumerCancelled c) {
        key = new ConsumerKey(c.channel(), c.consumerTag());
        consumerGroups.remove(key);
      } else {
        key = null;
      }
      if (s != null) {
        s.emit(e, key);
      }
    }
  }

  /**
   * What the node's per-queue counters need from its broker's changes: which local queues took the
   * client publish being applied, and which queues went.
   */
  private final class Observations implements Changes {
    @Override
    public void messageAdded(QueueState queue, long id, Message message) {
      if (collectingRoutes) {
        routedHere.add(queue.name());
      }
    }

    @Override
    public void queueRemoved(QueueState queue) {
      queueRemovedListener.accept(queue.name());
    }
  }
}
