package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.model.AmqpFailure;
import io.warren.model.Arguments;
import io.warren.model.Expiration;
import io.warren.model.Message;
import io.warren.model.MessageBody;
import io.warren.model.Reply;
import io.warren.node.amqp.FieldTables;
import io.warren.protocol.content.BasicProperties;
import io.warren.protocol.types.FieldTable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Messages as the API shows them: the body of {@code POST .../publish} to a model {@link Message},
 * and a {@code basic.get} result to RabbitMQ's JSON (properties by their JSON names, the payload
 * as a string or base64).
 */
final class MessageCodec {
  private MessageCodec() {}

  /**
   * A message from a publish request: {@code properties}, {@code routing_key}, {@code payload} and
   * {@code payload_encoding} ({@code string} or {@code base64}) are required, as in RabbitMQ.
   *
   * @param user the API user: a {@code user_id} property must name it
   */
  static Message fromPublish(String exchange, JsonNode body, String user) {
    List<String> missing = new ArrayList<>();
    for (String key : List.of("properties", "routing_key", "payload", "payload_encoding")) {
      if (!body.has(key)) {
        missing.add("{key_missing," + key + "}");
      }
    }
    if (!missing.isEmpty()) {
      throw ApiException.badRequest("[" + String.join(",", missing) + "]");
    }
    BasicProperties props = properties(body.get("properties"));
    if (props.userId() != null && !props.userId().equals(user)) {
      throw ApiException.badRequest("user_id property set to '" + props.userId() + "' but authenticated user was '"
          + user + "'");
    }
    byte[] payload = payload(body.get("payload").asText(), body.get("payload_encoding").asText());
    Arguments headers = props.headers() == null ? Arguments.EMPTY : FieldTables.toArguments(props.headers());
    if (props.expiration() != null) {
      try {
        Expiration.parse(props.expiration()); // as AMQP publishes are checked
      } catch (AmqpFailure invalid) {
        throw ApiException.badRequest(invalid.text());
      }
    }
    // The model reads expiry and priority from these fields, not from the encoded properties.
    return new Message(exchange, body.get("routing_key").asText(), encode(props), MessageBody.of(payload), headers,
        props.isPersistent(), props.expiration(), props.priority() == null ? 0 : props.priority());
  }

  private static byte[] payload(String payload, String encoding) {
    if (encoding.equals("string")) {
      return payload.getBytes(StandardCharsets.UTF_8);
    }
    if (encoding.equals("base64")) {
      try {
        return Base64.getDecoder().decode(payload);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("payload is not valid base64");
      }
    }
    throw ApiException.badRequest("payload_encoding must be string or base64, not '" + encoding + "'");
  }

  private static BasicProperties properties(JsonNode json) {
    if (json == null || json.isNull()) {
      return BasicProperties.EMPTY;
    }
    if (!json.isObject()) {
      throw ApiException.badRequest("properties must be a JSON object");
    }
    BasicProperties.Builder b = BasicProperties.builder();
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      JsonNode v = e.getValue();
      try {
        switch (e.getKey()) {
          case "content_type" -> b.contentType(v.asText());
          case "content_encoding" -> b.contentEncoding(v.asText());
          case "headers" -> b.headers(FieldTables.toFieldTable(Json.toArguments(v, "headers")));
          case "delivery_mode" -> b.deliveryMode(octet(v, "delivery_mode"));
          case "priority" -> b.priority(octet(v, "priority"));
          case "correlation_id" -> b.correlationId(v.asText());
          case "reply_to" -> b.replyTo(v.asText());
          case "expiration" -> b.expiration(v.asText());
          case "message_id" -> b.messageId(v.asText());
          case "timestamp" -> b.timestamp(v.asLong());
          case "type" -> b.type(v.asText());
          case "user_id" -> b.userId(v.asText());
          case "app_id" -> b.appId(v.asText());
          case "cluster_id" -> b.clusterId(v.asText());
          default -> throw ApiException.badRequest("unknown message property '" + e.getKey() + "'");
        }
      } catch (IllegalArgumentException ex) {
        throw ApiException.badRequest("bad message property '" + e.getKey() + "': " + ex.getMessage());
      }
    }
    return b.build();
  }

  private static int octet(JsonNode v, String name) {
    int n = v.isTextual() ? Integer.parseInt(v.textValue()) : v.asInt(-1);
    if (n < 0 || n > 255) {
      throw ApiException.badRequest(name + " must be 0..255");
    }
    return n;
  }

  private static byte[] encode(BasicProperties props) {
    ByteBuf buf = Unpooled.buffer(64);
    try {
      props.encode(buf);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /** How a fetched message's payload is shown: {@code auto} (text when it is UTF-8) or {@code base64}. */
  enum Encoding {
    AUTO,
    BASE64;

    static Encoding parse(String s) {
      return switch (s) {
        case "auto" -> AUTO;
        case "base64" -> BASE64;
        default -> throw ApiException.badRequest("encoding must be auto or base64, not '" + s + "'");
      };
    }
  }

  /** A message basic.get returned, as RabbitMQ's {@code POST .../get} shows it. */
  static Map<String, Object> toJson(Reply.GetOk got, Encoding encoding, Integer truncate) {
    Message m = got.message();
    byte[] body = m.body().bytes();
    byte[] shown = truncate != null && truncate < body.length ? Arrays.copyOf(body, truncate) : body;
    String text = encoding == Encoding.AUTO ? utf8(shown) : null;
    return Json.obj(
        "payload_bytes", body.length,
        "redelivered", got.redelivered(),
        "exchange", m.exchange(),
        "routing_key", m.routingKey(),
        "message_count", got.messageCount(),
        "properties", propertiesJson(m.properties()),
        "payload", text != null ? text : Json.base64(shown),
        "payload_encoding", text != null ? "string" : "base64");
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static Map<String, Object> propertiesJson(byte[] raw) {
    BasicProperties p = raw.length == 0 ? BasicProperties.EMPTY : BasicProperties.decode(Unpooled.wrappedBuffer(raw));
    Map<String, Object> out = Json.obj();
    putIf(out, "content_type", p.contentType());
    putIf(out, "content_encoding", p.contentEncoding());
    FieldTable headers = p.headers();
    if (headers != null) {
      out.put("headers", Json.fromArguments(FieldTables.toArguments(headers)));
    }
    putIf(out, "delivery_mode", p.deliveryMode());
    putIf(out, "priority", p.priority());
    putIf(out, "correlation_id", p.correlationId());
    putIf(out, "reply_to", p.replyTo());
    putIf(out, "expiration", p.expiration());
    putIf(out, "message_id", p.messageId());
    putIf(out, "timestamp", p.timestamp());
    putIf(out, "type", p.type());
    putIf(out, "user_id", p.userId());
    putIf(out, "app_id", p.appId());
    putIf(out, "cluster_id", p.clusterId());
    return out;
  }

  private static void putIf(Map<String, Object> out, String key, Object value) {
    if (value != null) {
      out.put(key, value);
    }
  }
}
