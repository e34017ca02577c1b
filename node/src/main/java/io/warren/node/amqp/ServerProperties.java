package io.warren.node.amqp;

import io.warren.protocol.types.FieldTable;

/** What the server says about itself in connection.start (the management API says the same). */
public final class ServerProperties {
  public static final String PRODUCT = "Warren";
  public static final String VERSION = "0.1.0";

  /** The RabbitMQ extensions we implement, advertised so clients turn them on. */
  static final String[] CAPABILITIES = {
    "publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
    "connection.blocked", "authentication_failure_close", "per_consumer_qos", "direct_reply_to"
  };

  private ServerProperties() {}

  static FieldTable build(String clusterName) {
    FieldTable.Builder caps = FieldTable.builder();
    for (String c : CAPABILITIES) {
      caps.put(c, true);
    }
    return FieldTable.builder()
        .put("capabilities", caps.build())
        .put("cluster_name", clusterName)
        .put("copyright", "Copyright (c) the Warren authors")
        .put("information", "Warren, an AMQP 0-9-1 broker")
        .put("platform", "Java " + System.getProperty("java.version"))
        .put("product", PRODUCT)
        .put("version", VERSION)
        .build();
  }
}
