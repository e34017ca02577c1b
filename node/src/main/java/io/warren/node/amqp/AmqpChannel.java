package io.warren.node.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.warren.model.AccessControl.Kind;
import io.warren.model.AmqpFailure;
import io.warren.model.Arguments;
import io.warren.model.ChannelRef;
import io.warren.model.Command;
import io.warren.model.Command.Outcome;
import io.warren.model.Effect;
import io.warren.model.ExchangeName;
import io.warren.model.Expiration;
import io.warren.model.Message;
import io.warren.model.MessageBody;
import io.warren.model.QueueName;
import io.warren.model.Reply;
import io.warren.model.Resource;
import io.warren.node.broker.ReplyHandler;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.content.BasicProperties;
import io.warren.protocol.frame.AmqpCommand;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.method.AccessRequest;
import io.warren.protocol.method.AccessRequestOk;
import io.warren.protocol.method.AmqpMethod;
import io.warren.protocol.method.BasicAck;
import io.warren.protocol.method.BasicNack;
import io.warren.protocol.method.BasicCancel;
import io.warren.protocol.method.BasicCancelOk;
import io.warren.protocol.method.BasicConsume;
import io.warren.protocol.method.BasicConsumeOk;
import io.warren.protocol.method.BasicDeliver;
import io.warren.protocol.method.BasicGet;
import io.warren.protocol.method.BasicGetEmpty;
import io.warren.protocol.method.BasicGetOk;
import io.warren.protocol.method.BasicNack;
import io.warren.protocol.method.BasicPublish;
import io.warren.protocol.method.BasicQos;
import io.warren.protocol.method.BasicQosOk;
import io.warren.protocol.method.BasicRecover;
import io.warren.protocol.method.BasicRecoverAsync;
import io.warren.protocol.method.BasicRecoverOk;
import io.warren.protocol.method.BasicReject;
import io.warren.protocol.method.BasicReturn;
import io.warren.protocol.method.ChannelFlow;
import io.warren.protocol.method.ChannelFlowOk;
import io.warren.protocol.method.ConfirmSelect;
import io.warren.protocol.method.ConfirmSelectOk;
import io.warren.protocol.method.ExchangeBind;
import io.warren.protocol.method.ExchangeBindOk;
import io.warren.protocol.method.ExchangeDeclare;
import io.warren.protocol.method.ExchangeDeclareOk;
import io.warren.protocol.method.ExchangeDelete;
import io.warren.protocol.method.ExchangeDeleteOk;
import io.warren.protocol.method.ExchangeUnbind;
import io.warren.protocol.method.ExchangeUnbindOk;
import io.warren.protocol.method.QueueBind;
import io.warren.protocol.method.QueueBindOk;
import io.warren.protocol.method.QueueDeclare;
import io.warren.protocol.method.QueueDeclareOk;
import io.warren.protocol.method.QueueDelete;
import io.warren.protocol.method.QueueDeleteOk;
import io.warren.protocol.method.QueuePurge;
import io.warren.protocol.method.QueuePurgeOk;
import io.warren.protocol.method.QueueUnbind;
import io.warren.protocol.method.QueueUnbindOk;
import io.warren.protocol.method.TxCommit;
import io.warren.protocol.method.TxCommitOk;
import io.warren.protocol.method.TxRollback;
import io.warren.protocol.method.TxRollbackOk;
import io.warren.protocol.method.TxSelect;
import io.warren.protocol.method.TxSelectOk;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One AMQP channel of a connection: turns the client's methods into model commands and the
 * model's replies and effects back into methods. Owns what is channel-local: delivery tags (and
 * what each stands for), publisher-confirm sequence numbers, the transaction buffer, per-consumer
 * prefetch for new consumers. Runs on the connection's event loop only.
 */
final class AmqpChannel {
  /** Transmission credit a consumer starts with; topped up as deliveries are written out. */
  static final int INITIAL_CREDIT = 2000;
  /**
   * Credit goes back in chunks of at least this much: a credit grant to a replicated queue is a
   * Raft command, and the window stays three quarters open at worst.
   */
  static final int CREDIT_CHUNK = INITIAL_CREDIT / 4;
  private static final String REPLY_TO_PSEUDO_QUEUE = DirectReplyTo.PSEUDO_QUEUE;

  enum State { OPEN, CLOSING, CLOSED }

  /**
   * What a delivery tag stands for: a message a queue handed to this channel, and the consumer it
   * went to (null for basic.get).
   */
  private record Unacked(QueueName queue, long messageId, String consumerTag) {}

  /**
   * A consumer as the channel knows it. The model may hand it more than its prefetch (see
   * {@code ConsumerState.window()}); what is beyond the prefetch waits here, held back, until the
   * client settles earlier deliveries.
   */
  private static final class LocalConsumer {
    final String tag;
    final boolean noAck;
    /** The client's limit on its unsettled deliveries, 0 for none. */
    final int prefetch;
    /** Deliveries written to the client and not settled yet (ack mode only). */
    int unsettled;
    /** Deliveries the model made that the client has no room for yet, in order. */
    final ArrayDeque<Effect.Deliver> heldBack = new ArrayDeque<>();
    /** Deliveries written since credit was last granted back to the model. */
    int ungranted;

    LocalConsumer(String tag, boolean noAck, int prefetch) {
      this.tag = tag;
      this.noAck = noAck;
      this.prefetch = prefetch;
    }

    boolean clientIsFull() {
      return !noAck && prefetch > 0 && unsettled >= prefetch;
    }
  }

  /** A buffered transactional action, applied at tx.commit. */
  private record TxPublish(Command.Publish publish, boolean mandatory) {}

  private record TxSettle(Command.Settle settle, Map<Long, Unacked> acked) {}

  private final AmqpConnection conn;
  final int number;
  final ChannelRef ref;
  State state = State.OPEN;

  private final Map<String, LocalConsumer> consumers = new HashMap<>();
  /** Consumers whose basic.cancel the model has not applied yet: deliveries for them still come. */
  private final Map<String, LocalConsumer> cancelling = new HashMap<>();
  private final NavigableMap<Long, Unacked> unacked = new TreeMap<>();
  private long lastDeliveryTag;
  private int consumerPrefetch;
  private String lastDeclaredQueue = "";

  private boolean confirmMode;
  private long confirmedSeq;
  private long ackedSeq;

  private boolean txMode;
  private final List<Object> txActions = new ArrayList<>();

  /** basic.qos with global=true, as last set (for the management API). */
  private int globalPrefetch;
  /** What this channel did, by {@link MessageEvent#ordinal()}, for the management API. */
  private final long[] counts = new long[MessageEvent.values().length];

  /** Mandatory publishes awaiting their reply, in submission order (for basic.return). */
  private final ArrayDeque<Message> mandatoryPending = new ArrayDeque<>();
  private final PublishReply publishReply = this::onPublished;
  private final PublishReply mandatoryReply = this::onMandatoryPublished;

  /** A publish's reply handler: it takes the queues the message was routed to, for their counters. */
  @FunctionalInterface
  private interface PublishReply extends ReplyHandler {
    @Override
    void onPublished(Reply reply, List<QueueName> routedTo);

    @Override
    default void onReply(Reply reply) {
      onPublished(reply, List.of());
    }
  }

  /** Direct reply-to consumer tag, if the client consumes from amq.rabbitmq.reply-to. */
  String replyToConsumer;

  AmqpChannel(AmqpConnection conn, int number, ChannelRef ref) {
    this.conn = conn;
    this.number = number;
    this.ref = ref;
  }

  boolean isOpen() {
    return state == State.OPEN;
  }

  private void count(MessageEvent event, long n) {
    counts[event.ordinal()] += n;
    conn.count(event, n);
  }

  /** Counts one event of a message taken from {@code queue}: for the channel, the node and the queue. */
  private void count(QueueName queue, MessageEvent event) {
    count(event, 1);
    conn.count(queue, event, 1);
  }

  /** This channel as the management API shows it; on the event loop. */
  ConnectionInfo.ChannelInfo describe() {
    int uncommitted = (int) txActions.stream().filter(a -> a instanceof TxPublish).count();
    return new ConnectionInfo.ChannelInfo(number, confirmMode, txMode, consumerPrefetch, globalPrefetch,
        consumers.size() + (replyToConsumer == null ? 0 : 1), unacked.size(), uncommitted, MessageCounts.copyOf(counts));
  }

  // ------------------------------------------------------------------ inbound methods

  /** Handles one command from the client. The connection releases the command's buffers. */
  void handle(AmqpCommand command) {
    AmqpMethod m = command.method();
    if (m instanceof BasicPublish p) {
      publish(p, command.properties(), command.body());
    } else if (m instanceof BasicAck a) {
      settle(m, a.deliveryTag(), a.multiple(), Outcome.ACK);
    } else if (m instanceof BasicNack n) {
      settle(m, n.deliveryTag(), n.multiple(), n.requeue() ? Outcome.REQUEUE : Outcome.DISCARD);
    } else if (m instanceof BasicReject r) {
      settle(m, r.deliveryTag(), false, r.requeue() ? Outcome.REQUEUE : Outcome.DISCARD);
    } else if (m instanceof BasicGet g) {
      get(g);
    } else if (m instanceof BasicConsume c) {
      consume(c);
    } else if (m instanceof BasicCancel c) {
      cancel(c);
    } else if (m instanceof BasicQos q) {
      qos(q);
    } else if (m instanceof BasicRecover r) {
      recover(m, r.requeue(), true);
    } else if (m instanceof BasicRecoverAsync r) {
      recover(m, r.requeue(), false);
    } else if (m instanceof QueueDeclare q) {
      queueDeclare(q);
    } else if (m instanceof QueueBind b) {
      QueueName q = queue(b.queue());
      checkBinding(exchange(b.exchange()), q, routingKeyShortcut(b.queue(), b.routingKey()));
      submit(m, new Command.Bind(exchange(b.exchange()), q, routingKeyShortcut(b.queue(), b.routingKey()),
          FieldTables.toArguments(b.arguments()), conn.id()), b.noWait(), r -> new QueueBindOk());
    } else if (m instanceof QueueUnbind u) {
      checkBinding(exchange(u.exchange()), queue(u.queue()), routingKeyShortcut(u.queue(), u.routingKey()));
      submit(m, new Command.Unbind(exchange(u.exchange()), queue(u.queue()),
          routingKeyShortcut(u.queue(), u.routingKey()), FieldTables.toArguments(u.arguments()), conn.id()),
          false, r -> new QueueUnbindOk());
    } else if (m instanceof QueuePurge p) {
      conn.permissions().check(Kind.READ, queue(p.queue()));
      submit(m, new Command.PurgeQueue(queue(p.queue()), conn.id()), p.noWait(),
          r -> new QueuePurgeOk(((Reply.MessageCount) r).messageCount()));
    } else if (m instanceof QueueDelete d) {
      conn.permissions().check(Kind.CONFIGURE, queue(d.queue()));
      submit(m, new Command.DeleteQueue(queue(d.queue()), d.ifUnused(), d.ifEmpty(), conn.id()), d.noWait(),
          r -> new QueueDeleteOk(((Reply.MessageCount) r).messageCount()));
    } else if (m instanceof ExchangeDeclare x) {
      if (!x.passive()) {
        checkExchangeDeclare(exchange(x.exchange()), x.arguments());
      }
      submit(m, new Command.DeclareExchange(exchange(x.exchange()), x.type(), x.passive(), x.durable(),
          x.autoDelete(), x.internal(), FieldTables.toArguments(x.arguments())), x.noWait(),
          r -> new ExchangeDeclareOk());
    } else if (m instanceof ExchangeDelete x) {
      if (!x.exchange().isEmpty()) {
        conn.permissions().check(Kind.CONFIGURE, exchange(x.exchange()));
      }
      submit(m, new Command.DeleteExchange(exchange(x.exchange()), x.ifUnused()), x.noWait(),
          r -> new ExchangeDeleteOk());
    } else if (m instanceof ExchangeBind b) {
      checkBinding(exchange(b.source()), exchange(b.destination()), b.routingKey());
      submit(m, new Command.Bind(exchange(b.source()), exchange(b.destination()), b.routingKey(),
          FieldTables.toArguments(b.arguments()), conn.id()), b.noWait(), r -> new ExchangeBindOk());
    } else if (m instanceof ExchangeUnbind u) {
      checkBinding(exchange(u.source()), exchange(u.destination()), u.routingKey());
      submit(m, new Command.Unbind(exchange(u.source()), exchange(u.destination()), u.routingKey(),
          FieldTables.toArguments(u.arguments()), conn.id()), u.noWait(), r -> new ExchangeUnbindOk());
    } else if (m instanceof ChannelFlow f) {
      if (!f.active()) {
        // As RabbitMQ: a client may not stop the server sending (slow consumers get TCP backpressure).
        throw new AmqpException(ReplyCode.NOT_IMPLEMENTED, "active=false", m.classId(), m.methodId());
      }
      submit(m, new Command.SetFlow(ref, f.active()), false, r -> new ChannelFlowOk(f.active()));
    } else if (m instanceof ConfirmSelect c) {
      if (txMode) {
        throw precondition("cannot switch from tx to confirm mode", m);
      }
      confirmMode = true;
      if (!c.noWait()) {
        conn.send(number, new ConfirmSelectOk());
      }
    } else if (m instanceof TxSelect) {
      if (confirmMode) {
        throw precondition("cannot switch from confirm to tx mode", m);
      }
      txMode = true;
      conn.send(number, new TxSelectOk());
    } else if (m instanceof TxCommit) {
      commit(m);
    } else if (m instanceof TxRollback) {
      rollback(m);
    } else if (m instanceof AccessRequest) {
      conn.send(number, new AccessRequestOk());
    } else {
      throw new AmqpException(ReplyCode.COMMAND_INVALID, "unexpected method " + m.name() + " on channel " + number,
          m.classId(), m.methodId());
    }
  }

  // ------------------------------------------------------------------ permissions (RabbitMQ's rules)

  /**
   * Binding and unbinding: write on the destination, read on the source, and the key against the
   * user's topic read permission on the source. The default exchange is refused by the model, with
   * RabbitMQ's text, before the read check would be.
   */
  private void checkBinding(ExchangeName source, Resource destination, String key) {
    PermissionChecks can = conn.permissions();
    can.check(Kind.WRITE, destination);
    if (!source.isDefault() && !(destination instanceof ExchangeName d && d.isDefault())) {
      can.check(Kind.READ, source);
      can.checkTopic(Kind.READ, source, key);
    }
  }

  /** Configure on the exchange; an alternate exchange needs write on it and read on this one. */
  private void checkExchangeDeclare(ExchangeName name, FieldTable arguments) {
    if (name.isDefault()) {
      return; // the model refuses it with RabbitMQ's text
    }
    PermissionChecks can = conn.permissions();
    can.check(Kind.CONFIGURE, name);
    String alternate = stringArgument(arguments, "alternate-exchange");
    if (alternate != null) {
      can.check(Kind.WRITE, exchange(alternate));
      can.check(Kind.READ, name);
    }
  }

  /** Configure on the queue; a dead-letter exchange needs read on the queue and write on it. */
  private void checkQueueDeclare(QueueName name, FieldTable arguments) {
    PermissionChecks can = conn.permissions();
    can.check(Kind.CONFIGURE, name);
    String dlx = stringArgument(arguments, "x-dead-letter-exchange");
    if (dlx != null) {
      can.check(Kind.READ, name);
      can.check(Kind.WRITE, exchange(dlx));
    }
  }

  private static String stringArgument(FieldTable arguments, String key) {
    if (arguments == null || arguments.get(key) == null) {
      return null;
    }
    Object v = arguments.get(key).toJava();
    return v == null ? null : v.toString();
  }

  private static AmqpException precondition(String text, AmqpMethod m) {
    return new AmqpException(ReplyCode.PRECONDITION_FAILED, text, m.classId(), m.methodId());
  }

  private ExchangeName exchange(String name) {
    return new ExchangeName(conn.vhost(), name);
  }

  /** An empty queue name means the queue this channel declared last, as in RabbitMQ. */
  private QueueName queue(String name) {
    if (name.isEmpty()) {
      if (lastDeclaredQueue.isEmpty()) {
        throw new AmqpException(ReplyCode.NOT_FOUND, "no previously declared queue");
      }
      return new QueueName(conn.vhost(), lastDeclaredQueue);
    }
    return new QueueName(conn.vhost(), name);
  }

  private String routingKeyShortcut(String queue, String key) {
    return queue.isEmpty() && key.isEmpty() ? lastDeclaredQueue : key;
  }

  /**
   * Submits a command whose success is answered with a method (unless no-wait) and whose failure
   * closes the channel or connection.
   */
  private void submit(AmqpMethod m, Command command, boolean noWait, Function<Reply, AmqpMethod> ok) {
    conn.submit(command, reply -> {
      if (reply instanceof Reply.Failure f) {
        fail(f, m);
      } else if (!noWait && state == State.OPEN) {
        conn.send(number, ok.apply(reply));
      }
    });
  }

  private void fail(Reply.Failure f, AmqpMethod m) {
    ReplyCode code = ReplyCode.of(f.code().code());
    conn.fail(this, new AmqpException(code == null ? ReplyCode.INTERNAL_ERROR : code, f.text(), m.classId(),
        m.methodId()));
  }

  private void queueDeclare(QueueDeclare q) {
    boolean serverNamed = q.queue().isEmpty() && !q.passive();
    String name = serverNamed ? Names.queueName() : q.queue();
    QueueName qn = q.passive() && q.queue().isEmpty() ? queue("") : new QueueName(conn.vhost(), name);
    if (!q.passive()) {
      checkQueueDeclare(qn, q.arguments());
    }
    conn.submit(new Command.DeclareQueue(qn, q.passive(), q.durable(), q.exclusive(), q.autoDelete(),
        FieldTables.toArguments(q.arguments()), conn.id(), serverNamed), reply -> {
          if (reply instanceof Reply.Failure f) {
            fail(f, q);
          } else if (reply instanceof Reply.QueueDeclared d) {
            lastDeclaredQueue = d.queue();
            if (!q.noWait() && state == State.OPEN) {
              conn.send(number, new QueueDeclareOk(d.queue(), d.messageCount(), d.consumerCount()));
            }
          }
        });
  }

  // ------------------------------------------------------------------ publishing

  private void publish(BasicPublish p, ByteBuf properties, ByteBuf body) {
    if (p.immediate()) {
      throw new AmqpException(ReplyCode.NOT_IMPLEMENTED, "immediate=true", p.classId(), p.methodId());
    }
    ExchangeName target = exchange(p.exchange());
    conn.permissions().check(Kind.WRITE, target);
    conn.permissions().checkTopic(Kind.WRITE, target, p.routingKey());
    conn.onPublish();
    count(MessageEvent.PUBLISH, 1);
    byte[] props = ByteBufUtil.getBytes(properties);
    Arguments headers = Arguments.EMPTY;
    boolean persistent = false;
    String expiration = null;
    int priority = 0;
    if (props.length > 2 || (props.length == 2 && (props[0] | props[1]) != 0)) {
      BasicProperties decoded = BasicProperties.decode(properties.duplicate());
      if (decoded.userId() != null && !decoded.userId().equals(conn.user())) {
        throw precondition("user_id property set to '" + decoded.userId() + "' but authenticated user was '"
            + conn.user() + "'", p);
      }
      if (decoded.headers() != null) {
        headers = FieldTables.toArguments(decoded.headers());
      }
      persistent = decoded.isPersistent();
      expiration = decoded.expiration();
      priority = decoded.priority() == null ? 0 : decoded.priority();
      if (expiration != null) {
        try {
          Expiration.parse(expiration);
        } catch (AmqpFailure invalid) {
          throw precondition(invalid.text(), p);
        }
      }
      if (DirectReplyTo.PSEUDO_QUEUE.equals(decoded.replyTo())) {
        props = conn.directReplyTo().rewriteReplyTo(this, decoded, p);
      }
    }
    Message message = new Message(p.exchange(), p.routingKey(), props, MessageBody.of(ByteBufUtil.getBytes(body)),
        headers, persistent, expiration, priority);
    if (p.exchange().isEmpty() && DirectReplyTo.isReplyAddress(p.routingKey())) {
      // Direct reply-to: straight to the requester's channel, no queue involved.
      Reply outcome = conn.directReplyTo().deliver(message) ? Reply.ROUTED : Reply.UNROUTED;
      // Return and confirm go out in order with this channel's other publishes: after everything
      // submitted before has been applied.
      conn.submit(new Command.Sync(ref), r -> afterPublish(message, p.mandatory(), outcome, List.of()));
      return;
    }
    Command.Publish command = new Command.Publish(conn.vhost(), message);
    if (txMode) {
      txActions.add(new TxPublish(command, p.mandatory()));
      return;
    }
    submitPublish(command, p.mandatory());
  }

  private void submitPublish(Command.Publish command, boolean mandatory) {
    if (mandatory) {
      mandatoryPending.addLast(command.message());
      conn.submit(command, mandatoryReply);
    } else {
      conn.submit(command, publishReply);
    }
  }

  private void onPublished(Reply reply, List<QueueName> routedTo) {
    afterPublish(null, false, reply, routedTo);
  }

  private void onMandatoryPublished(Reply reply, List<QueueName> routedTo) {
    afterPublish(mandatoryPending.pollFirst(), true, reply, routedTo);
  }

  private void afterPublish(Message message, boolean mandatory, Reply reply, List<QueueName> routedTo) {
    if (!(reply instanceof Reply.Failure)) {
      for (QueueName q : routedTo) {
        conn.count(q, MessageEvent.PUBLISH, 1);
      }
    }
    if (state != State.OPEN) {
      return;
    }
    if (reply instanceof Reply.Failure f) {
      fail(f, new BasicPublish(message == null ? "" : message.exchange(), "", mandatory, false));
      return;
    }
    if (reply instanceof Reply.NotStored) {
      // The message may or may not be in its queue: a confirming publisher is told with a nack.
      if (confirmMode) {
        sendConfirms();
        confirmedSeq++;
        ackedSeq = confirmedSeq;
        conn.send(number, new BasicNack(confirmedSeq, false, false));
      }
      return;
    }
    if (reply == Reply.UNROUTED) {
      count(mandatory ? MessageEvent.RETURN_UNROUTABLE : MessageEvent.DROP_UNROUTABLE, 1);
    }
    if (mandatory && reply == Reply.UNROUTED) {
      conn.sendContent(number, new BasicReturn(ReplyCode.NO_ROUTE.code(), "NO_ROUTE", message.exchange(),
          message.routingKey()), message.properties(), message.body().bytes());
    }
    if (confirmMode) {
      confirmedSeq++;
      count(MessageEvent.CONFIRM, 1);
      for (QueueName q : routedTo) {
        conn.countIfCounted(q, MessageEvent.CONFIRM, 1);
      }
      conn.markDirty(this);
    }
  }

  /** Sends the publisher confirms accumulated in this batch: one basic.ack, multiple when it covers several. */
  void sendConfirms() {
    if (state == State.OPEN && confirmedSeq > ackedSeq) {
      conn.send(number, new BasicAck(confirmedSeq, confirmedSeq - ackedSeq > 1));
      ackedSeq = confirmedSeq;
    }
  }

  // ------------------------------------------------------------------ transactions

  private void commit(AmqpMethod m) {
    if (!txMode) {
      throw precondition("channel is not transactional", m);
    }
    List<Object> actions = new ArrayList<>(txActions);
    txActions.clear();
    for (Object a : actions) {
      if (a instanceof TxPublish p) {
        submitPublish(p.publish(), p.mandatory());
      } else {
        conn.submit(((TxSettle) a).settle(), null);
        settledByClient(((TxSettle) a).acked());
      }
    }
    // Commit-ok goes out once everything before it was applied.
    conn.submit(new Command.Sync(ref), reply -> {
      if (state == State.OPEN) {
        conn.send(number, new TxCommitOk());
      }
    });
  }

  private void rollback(AmqpMethod m) {
    if (!txMode) {
      throw precondition("channel is not transactional", m);
    }
    for (Object a : txActions) {
      if (a instanceof TxSettle s) {
        unacked.putAll(s.acked()); // uncommitted acks are undone: the tags are unacked again
      }
    }
    txActions.clear();
    conn.send(number, new TxRollbackOk());
  }

  // ------------------------------------------------------------------ settling

  private void settle(AmqpMethod m, long tag, boolean multiple, Outcome outcome) {
    Map<Long, Unacked> settled;
    if (multiple) {
      if (tag > lastDeliveryTag) {
        throw precondition("unknown delivery tag " + tag, m);
      }
      NavigableMap<Long, Unacked> head = tag == 0 ? unacked : unacked.headMap(tag, true);
      settled = new LinkedHashMap<>(head);
      head.clear();
    } else {
      Unacked u = unacked.remove(tag);
      if (u == null) {
        throw precondition("unknown delivery tag " + tag, m);
      }
      settled = Map.of(tag, u);
    }
    if (outcome == Outcome.ACK) {
      count(MessageEvent.ACK, settled.size());
      for (Unacked u : settled.values()) {
        conn.countIfCounted(u.queue(), MessageEvent.ACK, 1);
      }
    }
    submitSettles(settled, outcome, null, txMode);
    if (!txMode) {
      settledByClient(settled);
    }
  }

  /** Groups settled tags by queue into Settle commands (buffered in a transaction). */
  private void submitSettles(Map<Long, Unacked> settled, Outcome outcome, ReplyHandler last, boolean buffer) {
    Map<QueueName, List<Long>> byQueue = new LinkedHashMap<>();
    Map<QueueName, Map<Long, Unacked>> tagsByQueue = new LinkedHashMap<>();
    for (Map.Entry<Long, Unacked> e : settled.entrySet()) {
      byQueue.computeIfAbsent(e.getValue().queue(), q -> new ArrayList<>()).add(e.getValue().messageId());
      tagsByQueue.computeIfAbsent(e.getValue().queue(), q -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
    }
    int i = 0;
    for (Map.Entry<QueueName, List<Long>> e : byQueue.entrySet()) {
      long[] ids = e.getValue().stream().mapToLong(Long::longValue).toArray();
      Command.Settle settle = new Command.Settle(ref, e.getKey(), outcome, ids);
      if (buffer) {
        txActions.add(new TxSettle(settle, tagsByQueue.get(e.getKey())));
      } else {
        conn.submit(settle, ++i == byQueue.size() ? last : null);
      }
    }
    if (byQueue.isEmpty() && last != null) {
      last.onReply(Reply.OK);
    }
  }

  /**
   * The client settled these deliveries (their settles are submitted): their consumers have room
   * again, filled at once from what was held back for them.
   */
  private void settledByClient(Map<Long, Unacked> settled) {
    for (Unacked u : settled.values()) {
      LocalConsumer c = u.consumerTag() == null ? null : localConsumer(u.consumerTag());
      if (c != null) {
        c.unsettled--;
        while (!c.heldBack.isEmpty() && !c.clientIsFull()) {
          write(c.heldBack.poll(), c);
        }
      }
    }
  }

  private LocalConsumer localConsumer(String tag) {
    LocalConsumer c = consumers.get(tag);
    return c != null ? c : cancelling.get(tag);
  }

  /**
   * Gives the messages held back for {@code c} back to their queues, unmarked: the client never
   * saw them. Called once the model no longer hands {@code c} messages (its cancel was applied,
   * or is submitted before this). {@code last}, if any, runs once they are back.
   */
  private void returnHeldBack(LocalConsumer c, ReplyHandler last) {
    Map<Long, Unacked> held = new LinkedHashMap<>();
    for (Effect.Deliver d : c.heldBack) {
      held.put(d.messageId(), new Unacked(d.queue(), d.messageId(), c.tag)); // keyed by id: no tag was given
    }
    c.heldBack.clear();
    submitSettles(held, Outcome.RETURN, last, false);
  }

  private void recover(AmqpMethod m, boolean requeue, boolean reply) {
    if (!requeue) {
      // As RabbitMQ: redelivering to the original consumer without requeueing is not supported.
      throw new AmqpException(ReplyCode.NOT_IMPLEMENTED, "requeue=false", m.classId(), m.methodId());
    }
    Map<Long, Unacked> all = new LinkedHashMap<>(unacked);
    unacked.clear();
    ReplyHandler done = reply ? r -> {
      if (state == State.OPEN) {
        conn.send(number, new BasicRecoverOk());
      }
    } : null;
    submitSettles(all, Outcome.REQUEUE, done, false); // recovery is not transactional
    settledByClient(all);
  }

  // ------------------------------------------------------------------ consuming

  private void qos(BasicQos q) {
    if (q.prefetchSize() != 0) {
      throw new AmqpException(ReplyCode.NOT_IMPLEMENTED, "prefetch_size!=0 (" + q.prefetchSize() + ")",
          q.classId(), q.methodId());
    }
    if (q.global()) {
      globalPrefetch = q.prefetchCount();
      submit(q, new Command.SetChannelPrefetch(ref, q.prefetchCount()), false, r -> new BasicQosOk());
    } else {
      consumerPrefetch = q.prefetchCount();
      conn.send(number, new BasicQosOk());
    }
  }

  private void consume(BasicConsume c) {
    String tag = c.consumerTag().isEmpty() ? Names.consumerTag() : c.consumerTag();
    if (consumers.containsKey(tag) || tag.equals(replyToConsumer)) {
      throw new AmqpException(ReplyCode.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'",
          c.classId(), c.methodId());
    }
    if (c.queue().equals(REPLY_TO_PSEUDO_QUEUE)) {
      conn.directReplyTo().consume(this, c, tag);
      return;
    }
    QueueName queue = queue(c.queue());
    conn.permissions().check(Kind.READ, queue);
    LocalConsumer consumer = new LocalConsumer(tag, c.noAck(), consumerPrefetch);
    consumers.put(tag, consumer);
    conn.submit(new Command.Consume(ref, queue, tag, c.noAck(), c.exclusive(), consumerPrefetch, INITIAL_CREDIT,
        FieldTables.toArguments(c.arguments())), reply -> {
          if (reply instanceof Reply.Failure f) {
            consumers.remove(tag);
            fail(f, c);
          } else if (!c.noWait() && state == State.OPEN) {
            conn.send(number, new BasicConsumeOk(tag));
          }
        });
  }

  void sendConsumeOk(String tag, boolean noWait) {
    if (!noWait) {
      conn.send(number, new BasicConsumeOk(tag));
    }
  }

  private void cancel(BasicCancel c) {
    if (c.consumerTag().equals(replyToConsumer)) {
      replyToConsumer = null;
      if (!c.noWait()) {
        conn.send(number, new BasicCancelOk(c.consumerTag()));
      }
      return;
    }
    LocalConsumer consumer = consumers.remove(c.consumerTag());
    if (consumer == null) {
      // Unknown tags are fine (RabbitMQ answers cancel-ok), e.g. after a server-side cancel.
      if (!c.noWait()) {
        conn.send(number, new BasicCancelOk(c.consumerTag()));
      }
      return;
    }
    // Deliveries applied before the cancel still come, and are written before cancel-ok (what
    // the client has no room for is held back, then returned).
    cancelling.put(consumer.tag, consumer);
    conn.submit(new Command.Cancel(ref, c.consumerTag()), reply -> {
      cancelling.remove(consumer.tag);
      // cancel-ok once they are back, so that other consumers find them in their places
      returnHeldBack(consumer, returned -> {
        if (!c.noWait() && state == State.OPEN) {
          conn.send(number, new BasicCancelOk(c.consumerTag()));
        }
      });
    });
  }

  private void get(BasicGet g) {
    QueueName queue = queue(g.queue());
    conn.permissions().check(Kind.READ, queue);
    conn.submit(new Command.Get(ref, queue, g.noAck()), reply -> {
      if (reply instanceof Reply.Failure f) {
        fail(f, g);
      } else if (state != State.OPEN) {
        return; // the model returns the message when it applies the channel's close
      } else if (reply instanceof Reply.GetOk ok) {
        long tag = ++lastDeliveryTag;
        if (!g.noAck()) {
          unacked.put(tag, new Unacked(ok.queue(), ok.messageId(), null));
        }
        count(ok.queue(), g.noAck() ? MessageEvent.GET_NO_ACK : MessageEvent.GET);
        if (ok.redelivered()) {
          count(ok.queue(), MessageEvent.REDELIVER);
        }
        Message msg = ok.message();
        conn.sendContent(number, new BasicGetOk(tag, ok.redelivered(), msg.exchange(), msg.routingKey(),
            ok.messageCount()), msg.properties(), msg.body().bytes());
      } else {
        count(queue, MessageEvent.GET_EMPTY);
        conn.send(number, new BasicGetEmpty());
      }
    });
  }

  // ------------------------------------------------------------------ effects from the model

  void deliver(Effect.Deliver d) {
    if (state != State.OPEN) {
      return; // what an ack-mode consumer held returns to its queue when the close is applied
    }
    LocalConsumer consumer = localConsumer(d.consumerTag());
    if (consumer != null && (consumer.clientIsFull() || !consumer.heldBack.isEmpty())) {
      consumer.heldBack.add(d);
      return;
    }
    write(d, consumer);
  }

  /** Writes a delivery to the client. */
  private void write(Effect.Deliver d, LocalConsumer consumer) {
    long tag = ++lastDeliveryTag;
    if (!d.noAck()) {
      unacked.put(tag, new Unacked(d.queue(), d.messageId(), d.consumerTag()));
      if (consumer != null) {
        consumer.unsettled++;
      }
    }
    count(d.queue(), d.noAck() ? MessageEvent.DELIVER_NO_ACK : MessageEvent.DELIVER);
    if (d.redelivered()) {
      count(d.queue(), MessageEvent.REDELIVER);
    }
    Message msg = d.message();
    conn.sendContent(number, new BasicDeliver(d.consumerTag(), tag, d.redelivered(), msg.exchange(),
        msg.routingKey()), msg.properties(), msg.body().bytes());
    if (consumer != null) {
      consumer.ungranted += msg.creditUnits();
      conn.markDirty(this);
    }
  }

  /** A direct reply-to delivery: no queue, nothing to settle. */
  void deliverDirect(Message msg) {
    if (state != State.OPEN || replyToConsumer == null) {
      return;
    }
    long tag = ++lastDeliveryTag;
    conn.sendContent(number, new BasicDeliver(replyToConsumer, tag, false, msg.exchange(), msg.routingKey()),
        msg.properties(), msg.body().bytes());
  }

  void consumerCancelled(Effect.ConsumerCancelled c) {
    LocalConsumer consumer = consumers.remove(c.consumerTag());
    if (consumer != null) {
      returnHeldBack(consumer, null); // the model hands it nothing more
    }
    if (consumer != null && state == State.OPEN && conn.supports("consumer_cancel_notify")) {
      conn.send(number, new BasicCancel(c.consumerTag(), true));
    }
  }

  /** Gives the model back the credit of deliveries written out; called while the socket is writable. */
  void grantCredit() {
    if (state != State.OPEN) {
      return;
    }
    for (LocalConsumer c : consumers.values()) {
      if (c.ungranted >= CREDIT_CHUNK) {
        conn.submit(new Command.Credit(ref, c.tag, c.ungranted), null);
        c.ungranted = 0;
      }
    }
  }

  /**
   * The channel is closing: forget local state (the model returns what it held, marked
   * redelivered). Messages held back from the client go back unmarked first: each such consumer is
   * cancelled before, so that the model does not hand them straight back to it.
   */
  void closed() {
    if (state != State.CLOSED) {
      for (LocalConsumer c : consumers.values()) {
        if (!c.heldBack.isEmpty()) {
          conn.submit(new Command.Cancel(ref, c.tag), null);
          returnHeldBack(c, null);
        }
      }
      cancelling.values().forEach(c -> returnHeldBack(c, null));
    }
    state = State.CLOSED;
    consumers.clear();
    cancelling.clear();
    unacked.clear();
    txActions.clear();
    mandatoryPending.clear();
    replyToConsumer = null;
  }
}
