package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.warren.model.Arguments;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON in one place: the mapper, ordered objects for answers, and AMQP field tables (the model's
 * {@link Arguments}) to and from JSON the way RabbitMQ renders them.
 */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  /** An ordered JSON object from alternating keys and values (values may be null). */
  static Map<String, Object> obj(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of keys and values");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** RabbitMQ's {@code {"rate": r}} next to a figure. */
  static Map<String, Object> rate(double perSecond) {
    return obj("rate", Math.round(perSecond * 10) / 10.0);
  }


  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }

  /** A field table as JSON: strings, numbers, booleans, nested objects and arrays. */
  static Map<String, Object> fromArguments(Arguments arguments) {
    Map<String, Object> m = new LinkedHashMap<>();
    arguments.asMap().forEach((k, v) -> m.put(k, fromValue(v)));
    return m;
  }

  private static Object fromValue(Object v) {
    if (v instanceof Arguments a) {
      return fromArguments(a);
    } else if (v instanceof Arguments.Bytes b) {
      // RabbitMQ shows byte arrays as text; binary that is not UTF-8 comes out garbled there too.
      return new String(b.bytes(), StandardCharsets.UTF_8);
    } else if (v instanceof Arguments.Timestamp t) {
      return t.seconds();
    } else if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(x -> out.add(fromValue(x)));
      return out;
    }
    return v; // null, Boolean, numbers, String
  }

  /**
   * A JSON object as a field table: integers become {@code long} (RabbitMQ's {@code l}, or {@code I}
   * when they fit), decimals {@code double}, objects tables, arrays arrays.
   *
   * @throws ApiException 400 when {@code node} is not an object
   */
  static Arguments toArguments(JsonNode node, String what) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Arguments.EMPTY;
    }
    if (!node.isObject()) {
      throw ApiException.badRequest(what + " must be a JSON object");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      m.put(e.getKey(), toValue(e.getValue(), what));
    }
    return Arguments.of(m);
  }

  private static Object toValue(JsonNode v, String what) {
    if (v.isNull()) {
      return null;
    } else if (v.isBoolean()) {
      return v.booleanValue();
    } else if (v.isIntegralNumber()) {
      return v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue();
    } else if (v.isNumber()) {
      return v.isBigDecimal() ? (Object) new BigDecimal(v.asText()).doubleValue() : (Object) v.doubleValue();
    } else if (v.isTextual()) {
      return v.textValue();
    } else if (v.isObject()) {
      return toArguments(v, what);
    } else if (v.isArray()) {
      List<Object> list = new ArrayList<>(v.size());
      v.forEach(x -> list.add(toValue(x, what)));
      return list;
    }
    throw ApiException.badRequest("unsupported value in " + what + ": " + v);
  }

  /** A text field of a request body, or {@code fallback} when absent. */
  static String text(JsonNode body, String field, String fallback) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  /** A boolean field of a request body (RabbitMQ also takes "true"/"false" strings). */
  static boolean bool(JsonNode body, String field, boolean fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) {
      return Boolean.parseBoolean(v.textValue());
    }
    throw ApiException.badRequest(field + " must be true or false");
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
