package io.warren.protocol.method;

import static io.warren.protocol.method.ArgType.BIT;
import static io.warren.protocol.method.ArgType.LONG;
import static io.warren.protocol.method.ArgType.LONGLONG;
import static io.warren.protocol.method.ArgType.LONGSTR;
import static io.warren.protocol.method.ArgType.OCTET;
import static io.warren.protocol.method.ArgType.SHORT;
import static io.warren.protocol.method.ArgType.SHORTSTR;
import static io.warren.protocol.method.ArgType.TABLE;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every AMQP 0-9-1 method Warren knows, with RabbitMQ's extensions (confirm, basic.nack,
 * exchange.bind/unbind, connection.blocked/unblocked, connection.update-secret): the single
 * description of class id, method id, name, arguments in wire order with their types, and whether
 * content follows. {@link MethodCodec} is driven by it; records are checked against it when this
 * class loads.
 *
 * <p>Argument names are the spec's, except that the {@code class-id}/{@code method-id} of
 * connection.close and channel.close are called {@code failing-class-id}/{@code failing-method-id}
 * because {@link AmqpMethod#classId()} already means the method's own class.
 */
public final class MethodTable {
  private MethodTable() {}

  // spotless:off
  private static final List<MethodSpec> ALL = List.of(
      // connection (class 10)
      method(ConnectionStart.class, 10, 10, "connection.start", arg(OCTET, "version-major"), arg(OCTET, "version-minor"), arg(TABLE, "server-properties"), arg(LONGSTR, "mechanisms"), arg(LONGSTR, "locales")),
      method(ConnectionStartOk.class, 10, 11, "connection.start-ok", arg(TABLE, "client-properties"), arg(SHORTSTR, "mechanism"), arg(LONGSTR, "response"), arg(SHORTSTR, "locale")),
      method(ConnectionSecure.class, 10, 20, "connection.secure", arg(LONGSTR, "challenge")),
      method(ConnectionSecureOk.class, 10, 21, "connection.secure-ok", arg(LONGSTR, "response")),
      method(ConnectionTune.class, 10, 30, "connection.tune", arg(SHORT, "channel-max"), arg(LONG, "frame-max"), arg(SHORT, "heartbeat")),
      method(ConnectionTuneOk.class, 10, 31, "connection.tune-ok", arg(SHORT, "channel-max"), arg(LONG, "frame-max"), arg(SHORT, "heartbeat")),
      method(ConnectionOpen.class, 10, 40, "connection.open", arg(SHORTSTR, "virtual-host"), reserved(SHORTSTR), reserved(BIT)),
      method(ConnectionOpenOk.class, 10, 41, "connection.open-ok", reserved(SHORTSTR)),
      method(ConnectionClose.class, 10, 50, "connection.close", arg(SHORT, "reply-code"), arg(SHORTSTR, "reply-text"), arg(SHORT, "failing-class-id"), arg(SHORT, "failing-method-id")),
      method(ConnectionCloseOk.class, 10, 51, "connection.close-ok"),
      method(ConnectionBlocked.class, 10, 60, "connection.blocked", arg(SHORTSTR, "reason")),
      method(ConnectionUnblocked.class, 10, 61, "connection.unblocked"),
      method(ConnectionUpdateSecret.class, 10, 70, "connection.update-secret", arg(LONGSTR, "new-secret"), arg(SHORTSTR, "reason")),
      method(ConnectionUpdateSecretOk.class, 10, 71, "connection.update-secret-ok"),
      // channel (class 20)
      method(ChannelOpen.class, 20, 10, "channel.open", reserved(SHORTSTR)),
      method(ChannelOpenOk.class, 20, 11, "channel.open-ok", reserved(LONGSTR)),
      method(ChannelFlow.class, 20, 20, "channel.flow", arg(BIT, "active")),
      method(ChannelFlowOk.class, 20, 21, "channel.flow-ok", arg(BIT, "active")),
      method(ChannelClose.class, 20, 40, "channel.close", arg(SHORT, "reply-code"), arg(SHORTSTR, "reply-text"), arg(SHORT, "failing-class-id"), arg(SHORT, "failing-method-id")),
      method(ChannelCloseOk.class, 20, 41, "channel.close-ok"),
      // access (class 30)
      method(AccessRequest.class, 30, 10, "access.request", arg(SHORTSTR, "realm"), arg(BIT, "exclusive"), arg(BIT, "passive"), arg(BIT, "active"), arg(BIT, "write"), arg(BIT, "read")),
      method(AccessRequestOk.class, 30, 11, "access.request-ok", reserved(SHORT)),
      // exchange (class 40)
      method(ExchangeDeclare.class, 40, 10, "exchange.declare", reserved(SHORT), arg(SHORTSTR, "exchange"), arg(SHORTSTR, "type"), arg(BIT, "passive"), arg(BIT, "durable"), arg(BIT, "auto-delete"), arg(BIT, "internal"), arg(BIT, "no-wait"), arg(TABLE, "arguments")),
      method(ExchangeDeclareOk.class, 40, 11, "exchange.declare-ok"),
      method(ExchangeDelete.class, 40, 20, "exchange.delete", reserved(SHORT), arg(SHORTSTR, "exchange"), arg(BIT, "if-unused"), arg(BIT, "no-wait")),
      method(ExchangeDeleteOk.class, 40, 21, "exchange.delete-ok"),
      method(ExchangeBind.class, 40, 30, "exchange.bind", reserved(SHORT), arg(SHORTSTR, "destination"), arg(SHORTSTR, "source"), arg(SHORTSTR, "routing-key"), arg(BIT, "no-wait"), arg(TABLE, "arguments")),
      method(ExchangeBindOk.class, 40, 31, "exchange.bind-ok"),
      method(ExchangeUnbind.class, 40, 40, "exchange.unbind", reserved(SHORT), arg(SHORTSTR, "destination"), arg(SHORTSTR, "source"), arg(SHORTSTR, "routing-key"), arg(BIT, "no-wait"), arg(TABLE, "arguments")),
      method(ExchangeUnbindOk.class, 40, 51, "exchange.unbind-ok"),
      // queue (class 50)
      method(QueueDeclare.class, 50, 10, "queue.declare", reserved(SHORT), arg(SHORTSTR, "queue"), arg(BIT, "passive"), arg(BIT, "durable"), arg(BIT, "exclusive"), arg(BIT, "auto-delete"), arg(BIT, "no-wait"), arg(TABLE, "arguments")),
      method(QueueDeclareOk.class, 50, 11, "queue.declare-ok", arg(SHORTSTR, "queue"), arg(LONG, "message-count"), arg(LONG, "consumer-count")),
      method(QueueBind.class, 50, 20, "queue.bind", reserved(SHORT), arg(SHORTSTR, "queue"), arg(SHORTSTR, "exchange"), arg(SHORTSTR, "routing-key"), arg(BIT, "no-wait"), arg(TABLE, "arguments")),
      method(QueueBindOk.class, 50, 21, "queue.bind-ok"),
      method(QueuePurge.class, 50, 30, "queue.purge", reserved(SHORT), arg(SHORTSTR, "queue"), arg(BIT, "no-wait")),
      method(QueuePurgeOk.class, 50, 31, "queue.purge-ok", arg(LONG, "message-count")),
      method(QueueDelete.class, 50, 40, "queue.delete", reserved(SHORT), arg(SHORTSTR, "queue"), arg(BIT, "if-unused"), arg(BIT, "if-empty"), arg(BIT, "no-wait")),
      method(QueueDeleteOk.class, 50, 41, "queue.delete-ok", arg(LONG, "message-count")),
      method(QueueUnbind.class, 50, 50, "queue.unbind", reserved(SHORT), arg(SHORTSTR, "queue"), arg(SHORTSTR, "exchange"), arg(SHORTSTR, "routing-key"), arg(TABLE, "arguments")),
      method(QueueUnbindOk.class, 50, 51, "queue.unbind-ok"),
      // basic (class 60)
      method(BasicQos.class, 60, 10, "basic.qos", arg(LONG, "prefetch-size"), arg(SHORT, "prefetch-count"), arg(BIT, "global")),
      method(BasicQosOk.class, 60, 11, "basic.qos-ok"),
      method(BasicConsume.class, 60, 20, "basic.consume", reserved(SHORT), arg(SHORTSTR, "queue"), arg(SHORTSTR, "consumer-tag"), arg(BIT, "no-local"), arg(BIT, "no-ack"), arg(BIT, "exclusive"), arg(BIT, "no-wait"), arg(TABLE, "arguments")),
      method(BasicConsumeOk.class, 60, 21, "basic.consume-ok", arg(SHORTSTR, "consumer-tag")),
      method(BasicCancel.class, 60, 30, "basic.cancel", arg(SHORTSTR, "consumer-tag"), arg(BIT, "no-wait")),
      method(BasicCancelOk.class, 60, 31, "basic.cancel-ok", arg(SHORTSTR, "consumer-tag")),
      content(BasicPublish.class, 60, 40, "basic.publish", reserved(SHORT), arg(SHORTSTR, "exchange"), arg(SHORTSTR, "routing-key"), arg(BIT, "mandatory"), arg(BIT, "immediate")),
      content(BasicReturn.class, 60, 50, "basic.return", arg(SHORT, "reply-code"), arg(SHORTSTR, "reply-text"), arg(SHORTSTR, "exchange"), arg(SHORTSTR, "routing-key")),
      content(BasicDeliver.class, 60, 60, "basic.deliver", arg(SHORTSTR, "consumer-tag"), arg(LONGLONG, "delivery-tag"), arg(BIT, "redelivered"), arg(SHORTSTR, "exchange"), arg(SHORTSTR, "routing-key")),
      method(BasicGet.class, 60, 70, "basic.get", reserved(SHORT), arg(SHORTSTR, "queue"), arg(BIT, "no-ack")),
      content(BasicGetOk.class, 60, 71, "basic.get-ok", arg(LONGLONG, "delivery-tag"), arg(BIT, "redelivered"), arg(SHORTSTR, "exchange"), arg(SHORTSTR, "routing-key"), arg(LONG, "message-count")),
      method(BasicGetEmpty.class, 60, 72, "basic.get-empty", reserved(SHORTSTR)),
      method(BasicAck.class, 60, 80, "basic.ack", arg(LONGLONG, "delivery-tag"), arg(BIT, "multiple")),
      method(BasicReject.class, 60, 90, "basic.reject", arg(LONGLONG, "delivery-tag"), arg(BIT, "requeue")),
      method(BasicRecoverAsync.class, 60, 100, "basic.recover-async", arg(BIT, "requeue")),
      method(BasicRecover.class, 60, 110, "basic.recover", arg(BIT, "requeue")),
      method(BasicRecoverOk.class, 60, 111, "basic.recover-ok"),
      method(BasicNack.class, 60, 120, "basic.nack", arg(LONGLONG, "delivery-tag"), arg(BIT, "multiple"), arg(BIT, "requeue")),
      // tx (class 90)
      method(TxSelect.class, 90, 10, "tx.select"),
      method(TxSelectOk.class, 90, 11, "tx.select-ok"),
      method(TxCommit.class, 90, 20, "tx.commit"),
      method(TxCommitOk.class, 90, 21, "tx.commit-ok"),
      method(TxRollback.class, 90, 30, "tx.rollback"),
      method(TxRollbackOk.class, 90, 31, "tx.rollback-ok"),
      // confirm (class 85)
      method(ConfirmSelect.class, 85, 10, "confirm.select", arg(BIT, "no-wait")),
      method(ConfirmSelectOk.class, 85, 11, "confirm.select-ok")
      );
  // spotless:on

  private static final MethodSpec[][] BY_ID = new MethodSpec[91][];
  private static final Map<Class<?>, MethodSpec> BY_TYPE_MAP = new HashMap<>();
  private static final ClassValue<MethodSpec> BY_TYPE = new ClassValue<>() {
    @Override
    protected MethodSpec computeValue(Class<?> type) {
      MethodSpec spec = BY_TYPE_MAP.get(type);
      if (spec == null) {
        throw new IllegalArgumentException("not in the method table: " + type.getName());
      }
      return spec;
    }
  };

  static {
    for (MethodSpec spec : ALL) {
      MethodSpec[] methods = BY_ID[spec.classId()];
      if (methods == null) {
        methods = BY_ID[spec.classId()] = new MethodSpec[121];
      }
      if (methods[spec.methodId()] != null || BY_TYPE_MAP.put(spec.type(), spec) != null) {
        throw new IllegalStateException("duplicate method table entry " + spec);
      }
      methods[spec.methodId()] = spec;
    }
    of(BasicPublish.class).withCodec(HotPathCodecs.BASIC_PUBLISH);
    of(BasicDeliver.class).withCodec(HotPathCodecs.BASIC_DELIVER);
    of(BasicAck.class).withCodec(HotPathCodecs.BASIC_ACK);
  }

  /** All methods, in table order. */
  public static List<MethodSpec> all() {
    return ALL;
  }

  /** The method with these ids, or null if there is none. */
  public static MethodSpec lookup(int classId, int methodId) {
    if (classId < 0 || classId >= BY_ID.length || methodId < 0) {
      return null;
    }
    MethodSpec[] methods = BY_ID[classId];
    return methods == null || methodId >= methods.length ? null : methods[methodId];
  }

  /** The row for a method record type. */
  public static MethodSpec of(Class<?> type) {
    return BY_TYPE.get(type);
  }

  private static MethodSpec method(Class<? extends AmqpMethod> type, int classId, int methodId,
      String name, MethodSpec.Arg... args) {
    return new MethodSpec(type, classId, methodId, name, false, args);
  }

  private static MethodSpec content(Class<? extends AmqpMethod> type, int classId, int methodId,
      String name, MethodSpec.Arg... args) {
    return new MethodSpec(type, classId, methodId, name, true, args);
  }

  private static MethodSpec.Arg arg(ArgType type, String name) {
    return new MethodSpec.Arg(type, name, false);
  }

  private static MethodSpec.Arg reserved(ArgType type) {
    return new MethodSpec.Arg(type, "reserved", true);
  }
}
