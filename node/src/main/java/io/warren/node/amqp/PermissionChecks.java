package io.warren.node.amqp;

import io.warren.model.AccessControl;
import io.warren.model.AccessControl.Kind;
import io.warren.model.ExchangeName;
import io.warren.model.Resource;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One connection's permission checks, as RabbitMQ makes them: configure, write or read on a queue
 * or exchange by the user's regular expressions for the connection's vhost, and topic permissions
 * on routing keys. The default exchange is checked as {@code amq.default}. Runs on the
 * connection's event loop only.
 *
 * <p>Cheap on the publish path: the access control is an immutable value whose expressions are
 * compiled once; each outcome is remembered per kind and name until the access control changes
 * (any change makes a new value), so a publisher to one exchange pays a map lookup per message.
 */
final class PermissionChecks {
  /** Outcomes remembered per kind; beyond this many names the memory starts over. */
  private static final int REMEMBERED = 256;

  private final Supplier<AccessControl> access;
  private final String user;
  private final String vhost;
  private AccessControl seen;
  private AccessControl.Permission permission;
  private final Map<Kind, Map<String, Boolean>> outcomes = new EnumMap<>(Kind.class);

  PermissionChecks(Supplier<AccessControl> access, String user, String vhost) {
    this.access = access;
    this.user = user;
    this.vhost = vhost;
  }

  /** Whether the user may open the vhost: any permission entry on it, as in RabbitMQ. */
  static boolean mayOpen(AccessControl access, String user, String vhost) {
    return access.permission(user, vhost).isPresent();
  }

  /** @throws AmqpException 403 ACCESS_REFUSED with RabbitMQ's text when not permitted */
  void check(Kind kind, Resource resource) {
    String name = AccessControl.checkedName(resource);
    refresh();
    Map<String, Boolean> remembered = outcomes.computeIfAbsent(kind, k -> new HashMap<>());
    Boolean permitted = remembered.get(name);
    if (permitted == null) {
      permitted = permission != null && permission.permits(kind, name);
      if (remembered.size() >= REMEMBERED) {
        remembered.clear();
      }
      remembered.put(name, permitted);
    }
    if (!permitted) {
      throw new AmqpException(ReplyCode.ACCESS_REFUSED, AccessControl.refusal(resource, user));
    }
  }

  /**
   * Topic permissions: a publish's routing key (write) or a binding's key (read) through {@code
   * exchange}. Only users with a topic permission for the exchange are restricted.
   */
  void checkTopic(Kind kind, ExchangeName exchange, String routingKey) {
    if (!refresh().permitsTopic(user, vhost, exchange.name(), kind, routingKey)) {
      throw new AmqpException(ReplyCode.ACCESS_REFUSED, "access to topic '" + routingKey + "' in exchange '"
          + exchange.name() + "' in vhost '" + vhost + "' refused for user '" + user + "'");
    }
  }

  private AccessControl refresh() {
    AccessControl now = access.get();
    if (now != seen) {
      seen = now;
      permission = now.permission(user, vhost).orElse(null);
      outcomes.clear();
    }
    return now;
  }
}
