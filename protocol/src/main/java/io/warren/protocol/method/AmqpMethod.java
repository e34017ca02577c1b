package io.warren.protocol.method;

/**
 * An AMQP 0-9-1 method with its arguments: one record per method, named class + method in
 * CamelCase ({@code basic.publish} is {@link BasicPublish}). Reserved arguments are not part of
 * the records; they are written as zero or empty.
 *
 * <p>The ids, names and wire format of every method are listed once, in {@link MethodTable};
 * these defaults look the record up there. {@link MethodCodec} reads and writes methods.
 */
public sealed interface AmqpMethod
    permits ConnectionStart,
        ConnectionStartOk,
        ConnectionSecure,
        ConnectionSecureOk,
        ConnectionTune,
        ConnectionTuneOk,
        ConnectionOpen,
        ConnectionOpenOk,
        ConnectionClose,
        ConnectionCloseOk,
        ConnectionBlocked,
        ConnectionUnblocked,
        ConnectionUpdateSecret,
        ConnectionUpdateSecretOk,
        ChannelOpen,
        ChannelOpenOk,
        ChannelFlow,
        ChannelFlowOk,
        ChannelClose,
        ChannelCloseOk,
        AccessRequest,
        AccessRequestOk,
        ExchangeDeclare,
        ExchangeDeclareOk,
        ExchangeDelete,
        ExchangeDeleteOk,
        ExchangeBind,
        ExchangeBindOk,
        ExchangeUnbind,
        ExchangeUnbindOk,
        QueueDeclare,
        QueueDeclareOk,
        QueueBind,
        QueueBindOk,
        QueuePurge,
        QueuePurgeOk,
        QueueDelete,
        QueueDeleteOk,
        QueueUnbind,
        QueueUnbindOk,
        BasicQos,
        BasicQosOk,
        BasicConsume,
        BasicConsumeOk,
        BasicCancel,
        BasicCancelOk,
        BasicPublish,
        BasicReturn,
        BasicDeliver,
        BasicGet,
        BasicGetOk,
        BasicGetEmpty,
        BasicAck,
        BasicReject,
        BasicRecoverAsync,
        BasicRecover,
        BasicRecoverOk,
        BasicNack,
        TxSelect,
        TxSelectOk,
        TxCommit,
        TxCommitOk,
        TxRollback,
        TxRollbackOk,
        ConfirmSelect,
        ConfirmSelectOk {

  /** The AMQP class id, e.g. 60 for basic. */
  default int classId() {
    return MethodTable.of(getClass()).classId();
  }

  /** The method id within the class, e.g. 40 for basic.publish. */
  default int methodId() {
    return MethodTable.of(getClass()).methodId();
  }

  /** The spec's name, e.g. {@code "basic.publish"} or {@code "queue.declare-ok"}. */
  default String name() {
    return MethodTable.of(getClass()).name();
  }

  /** Whether a content header (and body) follows this method. */
  default boolean hasContent() {
    return MethodTable.of(getClass()).hasContent();
  }
}
