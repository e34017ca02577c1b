package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.model.AccessControl.Kind;
import io.warren.model.Arguments;
import io.warren.model.Binding;
import io.warren.model.Command;
import io.warren.model.ExchangeName;
import io.warren.model.QueueName;
import io.warren.model.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code /api/bindings} and the binding listings under exchanges and queues. A binding between a
 * source and a destination is named in a URL by its properties key ({@link Views#propertiesKey}).
 * Every queue is listed with its implicit binding from the default exchange, as RabbitMQ does.
 */
final class BindingsApi {
  private final BrokerAccess broker;
  private final Views views;

  BindingsApi(BrokerAccess broker, Views views) {
    this.broker = broker;
    this.views = views;
  }

  void register(Routes routes) {
    routes.get("bindings", r -> ApiResponse.ok(list(broker.topology().scope(null), b -> true, true)))
        .get("bindings/{vhost}", r -> ApiResponse.ok(list(broker.topology().scope(r.param("vhost")), b -> true, true)))
        .get("exchanges/{vhost}/{name}/bindings/source", r -> {
          ExchangeName x = ExchangesApi.name(r);
          Topology t = broker.topology();
          ExchangesApi.find(t, x);
          return ApiResponse.ok(list(List.of(t.vhostOrNotFound(x.vhost())), b -> b.source().equals(x), x.isDefault()));
        })
        .get("exchanges/{vhost}/{name}/bindings/destination", r -> {
          ExchangeName x = ExchangesApi.name(r);
          Topology t = broker.topology();
          ExchangesApi.find(t, x);
          return ApiResponse.ok(list(List.of(t.vhostOrNotFound(x.vhost())), b -> b.destination().equals(x), false));
        })
        .get("queues/{vhost}/{name}/bindings", r -> {
          QueueName q = QueuesApi.name(r);
          Topology t = broker.topology();
          QueuesApi.find(t, q);
          List<Map<String, Object>> out = new ArrayList<>();
          out.add(views.defaultBinding(q));
          out.addAll(list(List.of(t.vhostOrNotFound(q.vhost())), b -> b.destination().equals(q), false));
          return ApiResponse.ok(out);
        });
    for (String kind : List.of("q", "e")) {
      String between = "bindings/{vhost}/e/{source}/" + kind + "/{destination}";
      routes.get(between, r -> ApiResponse.ok(between(r, kind).stream().map(views::binding).toList()))
          .post(between, r -> create(r, kind))
          .get(between + "/{props}", r -> ApiResponse.ok(views.binding(one(r, kind))))
          .delete(between + "/{props}", r -> {
            Binding b = one(r, kind);
            requireBindingAccess(r, b.source(), b.destination());
            Replies.check(broker.submit(new Command.Unbind(b.source(), b.destination(), b.routingKey(), b.arguments(),
                0)));
            return ApiResponse.NO_CONTENT;
          });
    }
  }

  /**
   * The bindings of {@code vhosts} that pass {@code filter}, after the default exchange's implicit
   * ones when {@code withDefault}.
   */
  private List<Map<String, Object>> list(List<Topology.Vhost> vhosts, Predicate<Binding> filter, boolean withDefault) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Topology.Vhost v : vhosts) {
      if (withDefault) {
        v.queues().forEach(q -> out.add(views.defaultBinding(q.name())));
      }
      v.bindings().stream().filter(filter).forEach(b -> out.add(views.binding(b)));
    }
    return out;
  }

  private static Resource destination(ApiRequest r, String kind) {
    String vhost = r.param("vhost");
    String name = r.param("destination");
    return kind.equals("q") ? new QueueName(vhost, name) : new ExchangeName(vhost, Views.exchangeNameInPath(name));
  }

  private static ExchangeName source(ApiRequest r) {
    return new ExchangeName(r.param("vhost"), Views.exchangeNameInPath(r.param("source")));
  }

  /** The bindings from the path's source to its destination; 404 when either is missing. */
  private List<Binding> between(ApiRequest r, String kind) {
    Topology t = broker.topology();
    ExchangeName source = source(r);
    Resource destination = destination(r, kind);
    ExchangesApi.find(t, source);
    if (destination instanceof QueueName q) {
      QueuesApi.find(t, q);
    } else {
      ExchangesApi.find(t, (ExchangeName) destination);
    }
    return t.vhostOrNotFound(source.vhost()).bindings().stream()
        .filter(b -> b.source().equals(source) && b.destination().equals(destination))
        .toList();
  }

  private Binding one(ApiRequest r, String kind) {
    String props = r.param("props");
    return between(r, kind).stream()
        .filter(b -> Views.propertiesKey(b.routingKey(), b.arguments()).equals(props))
        .findFirst()
        .orElseThrow(ApiException::notFound);
  }

  /** As {@code queue.bind}/{@code unbind}: write on the destination, read on the source. */
  private static void requireBindingAccess(ApiRequest r, ExchangeName source, Resource destination) {
    r.require(Kind.WRITE, destination);
    r.require(Kind.READ, source);
  }

  private ApiResponse create(ApiRequest r, String kind) {
    JsonNode body = r.jsonObject();
    String key = Json.text(body, "routing_key", "");
    Arguments args = Json.toArguments(body.get("arguments"), "arguments");
    ExchangeName source = source(r);
    Resource destination = destination(r, kind);
    broker.topology().vhostOrNotFound(source.vhost());
    requireBindingAccess(r, source, destination);
    Replies.check(broker.submit(new Command.Bind(source, destination, key, args, 0)));
    // As RabbitMQ: where the new binding is, relative to the binding collection.
    String location = Views.encode(destination.name()) + "/" + Views.encode(Views.propertiesKey(key, args));
    return new ApiResponse(201, null, Map.of("Location", location));
  }
}
