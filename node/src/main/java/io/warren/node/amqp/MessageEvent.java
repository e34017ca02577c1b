package io.warren.node.amqp;

/**
 * What the front end counts per channel and per node for the management API, named as the
 * fields of RabbitMQ's {@code message_stats}.
 */
public enum MessageEvent {
  PUBLISH("publish"),
  CONFIRM("confirm"),
  RETURN_UNROUTABLE("return_unroutable"),
  DROP_UNROUTABLE("drop_unroutable"),
  DELIVER("deliver"),
  DELIVER_NO_ACK("deliver_no_ack"),
  GET("get"),
  GET_NO_ACK("get_no_ack"),
  GET_EMPTY("get_empty"),
  REDELIVER("redeliver"),
  ACK("ack");

  private final String statName;

  MessageEvent(String statName) {
    this.statName = statName;
  }

  /** The field name in RabbitMQ's {@code message_stats}. */
  public String statName() {
    return statName;
  }
}
