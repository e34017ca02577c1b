package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.model.AccessControl.Kind;
import io.warren.model.Command;
import io.warren.model.ExchangeName;
import io.warren.model.Message;
import io.warren.model.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /api/exchanges}: list, show, declare (PUT), delete, and publish a message. */
final class ExchangesApi {
  private final BrokerAccess broker;
  private final Views views;
  private final long maxMessageSize;

  ExchangesApi(BrokerAccess broker, Views views, long maxMessageSize) {
    this.broker = broker;
    this.views = views;
    this.maxMessageSize = maxMessageSize;
  }

  void register(Routes routes) {
    routes.get("exchanges", r -> ApiResponse.ok(list(null)))
        .get("exchanges/{vhost}", r -> ApiResponse.ok(list(r.param("vhost"))))
        .get("exchanges/{vhost}/{name}", r -> {
          Map<String, Object> m = views.exchange(find(broker.topology(), name(r)));
          m.put("incoming", List.of());
          m.put("outgoing", List.of());
          return ApiResponse.ok(m);
        })
        .put("exchanges/{vhost}/{name}", this::declare)
        .delete("exchanges/{vhost}/{name}", r -> {
          ExchangeName name = name(r);
          find(broker.topology(), name);
          r.require(Kind.CONFIGURE, name);
          Replies.check(broker.submit(new Command.DeleteExchange(name, r.flag("if-unused"))));
          return ApiResponse.NO_CONTENT;
        })
        .post("exchanges/{vhost}/{name}/publish", this::publish);
  }

  static ExchangeName name(ApiRequest r) {
    return new ExchangeName(r.param("vhost"), Views.exchangeNameInPath(r.param("name")));
  }

  static Topology.ExchangeDecl find(Topology topology, ExchangeName name) {
    topology.vhostOrNotFound(name.vhost());
    return topology.exchange(name).orElseThrow(ApiException::notFound);
  }

  private List<Map<String, Object>> list(String vhost) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Topology.Vhost v : broker.topology().scope(vhost)) {
      v.exchanges().forEach(x -> out.add(views.exchange(x)));
    }
    return out;
  }

  private ApiResponse declare(ApiRequest r) {
    ExchangeName name = name(r);
    JsonNode body = r.jsonObject();
    Topology topology = broker.topology();
    topology.vhostOrNotFound(name.vhost());
    boolean existed = topology.exchange(name).isPresent();
    r.require(Kind.CONFIGURE, name);
    Replies.check(broker.submit(new Command.DeclareExchange(name, Json.text(body, "type", "direct"), false,
        Json.bool(body, "durable", false), Json.bool(body, "auto_delete", false), Json.bool(body, "internal", false),
        Json.toArguments(body.get("arguments"), "arguments"))));
    return ApiResponse.createdOrExisted(!existed);
  }

  private ApiResponse publish(ApiRequest r) {
    ExchangeName name = name(r);
    broker.topology().vhostOrNotFound(name.vhost());
    r.caller().require(Kind.WRITE, name, Caller.Refusal.BAD_REQUEST);
    Message message = MessageCodec.fromPublish(name.name(), r.jsonObject(), r.user());
    if (message.body().size() > maxMessageSize) {
      throw ApiException.badRequest("message size " + message.body().size() + " is larger than configured max size "
          + maxMessageSize);
    }
    Reply reply = broker.submit(new Command.Publish(name.vhost(), message));
    if (reply instanceof Reply.Failure f) {
      // As RabbitMQ: a refused publish is a bad request whatever the AMQP code.
      throw ApiException.badRequest(f.code().code() + " " + f.code().textName() + " - " + f.text());
    }
    Replies.check(reply);
    return ApiResponse.ok(Json.obj("routed", reply instanceof Reply.Published p && p.routed()));
  }
}
