package io.warren.node.management;

import io.warren.model.ClientsSnapshot;
import io.warren.node.amqp.ConnectionInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code /api/connections}, {@code /api/channels}, {@code /api/consumers}. Connections and channels
 * are this node's (their sockets are here); consumers are every consumer the queues here know,
 * those of clients of other nodes of the cluster included.
 */
final class ConnectionsApi {
  /** What RabbitMQ says to a client whose connection was closed through the API without a reason. */
  static final String DEFAULT_REASON = "Closed via management plugin";

  private final BrokerAccess broker;
  private final Views views;

  ConnectionsApi(BrokerAccess broker, Views views) {
    this.broker = broker;
    this.views = views;
  }

  void register(Routes routes) {
    routes.get("connections", r -> ApiResponse.ok(connections(c -> true)))
        .get("vhosts/{vhost}/connections", r -> {
          String vhost = r.param("vhost");
          broker.topology().vhostOrNotFound(vhost);
          return ApiResponse.ok(connections(c -> vhost.equals(c.vhost())));
        })
        .get("connections/{name}", r -> ApiResponse.ok(views.connection(find(r))))
        .delete("connections/{name}", r -> {
          ConnectionInfo c = find(r);
          String reason = r.header("X-Reason");
          broker.amqp().closeConnection(c.id(), reason == null || reason.isBlank() ? DEFAULT_REASON : reason);
          return ApiResponse.NO_CONTENT;
        })
        .get("connections/{name}/channels", r -> {
          ConnectionInfo c = find(r);
          return ApiResponse.ok(c.channels().stream().map(ch -> views.channel(c, ch)).toList());
        })
        .get("channels", r -> ApiResponse.ok(channels(c -> true)))
        .get("vhosts/{vhost}/channels", r -> {
          String vhost = r.param("vhost");
          broker.topology().vhostOrNotFound(vhost);
          return ApiResponse.ok(channels(c -> vhost.equals(c.vhost())));
        })
        .get("channels/{name}", r -> {
          String name = r.param("name");
          for (ConnectionInfo c : broker.connections()) {
            for (ConnectionInfo.ChannelInfo ch : c.channels()) {
              if (Views.channelName(c, ch.number()).equals(name)) {
                checkAccess(r, c);
                return ApiResponse.ok(views.channel(c, ch));
              }
            }
          }
          throw ApiException.notFound();
        })
        .get("consumers", r -> ApiResponse.ok(consumers(broker, views, k -> true)))
        .get("consumers/{vhost}", r -> {
          String vhost = r.param("vhost");
          broker.topology().vhostOrNotFound(vhost);
          return ApiResponse.ok(consumers(broker, views, k -> k.queue().vhost().equals(vhost)));
        });
  }

  /** The connection the path names, if the caller may see it (or close it, for a DELETE). */
  private ConnectionInfo find(ApiRequest r) {
    String name = r.param("name");
    ConnectionInfo c = broker.connections().stream().filter(x -> x.name().equals(name)).findFirst()
        .orElseThrow(ApiException::notFound);
    checkAccess(r, c);
    return c;
  }

  /** As RabbitMQ: one's own connections, others' to read for monitors and to close for administrators. */
  private static void checkAccess(ApiRequest r, ConnectionInfo c) {
    Caller caller = r.caller();
    boolean allowed = r.method().equals("DELETE") ? caller.closesClientsOf(c.user()) : caller.seesClientsOf(c.user());
    if (!allowed) {
      throw ApiAuthorization.refused("User not authorised to access object");
    }
  }

  private List<Map<String, Object>> connections(Predicate<ConnectionInfo> filter) {
    return broker.connections().stream().filter(filter).map(views::connection).toList();
  }

  private List<Map<String, Object>> channels(Predicate<ConnectionInfo> filter) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConnectionInfo c : broker.connections()) {
      if (filter.test(c)) {
        c.channels().forEach(ch -> out.add(views.channel(c, ch)));
      }
    }
    return out;
  }

  /** Every live consumer the queues here know, as {@code /api/consumers} lists them. */
  static List<Map<String, Object>> consumers(BrokerAccess broker, Views views,
      Predicate<ClientsSnapshot.Consumer> filter) {
    Map<Long, ConnectionInfo> local = broker.connections().stream()
        .collect(Collectors.toMap(ConnectionInfo::id, Function.identity()));
    record Row(Views.ClientChannel where, ClientsSnapshot.Consumer consumer) {}
    List<Row> rows = new ArrayList<>();
    for (ClientsSnapshot snapshot : broker.clients()) {
      for (ClientsSnapshot.Connection conn : snapshot.connections()) {
        for (ClientsSnapshot.Channel ch : conn.channels()) {
          for (ClientsSnapshot.Consumer k : ch.consumers()) {
            if (!k.cancelled() && filter.test(k)) {
              rows.add(new Row(Views.ClientChannel.of(ch.ref()), k));
            }
          }
        }
      }
    }
    rows.sort(Comparator.comparing((Row r) -> r.consumer().queue().vhost())
        .thenComparing(r -> r.consumer().queue().name())
        .thenComparing(r -> r.consumer().tag()));
    return rows.stream().map(r -> views.consumer(r.where(), r.consumer(), local.get(r.where().connection()))).toList();
  }
}
