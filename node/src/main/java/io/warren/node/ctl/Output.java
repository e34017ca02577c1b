package io.warren.node.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * How warrenctl prints: like rabbitmqctl, an informational line (left out with {@code --quiet}),
 * then a tab-separated table with a header row; or with {@code --json} a JSON array of objects.
 */
final class Output {
  private final PrintWriter out;
  private final boolean json;
  private final boolean quiet;

  Output(PrintWriter out, boolean json, boolean quiet) {
    this.out = out;
    this.json = json;
    this.quiet = quiet;
  }

  boolean json() {
    return json;
  }

  /** An informational line; not printed with {@code --quiet} or {@code --json}. */
  void info(String line) {
    if (!quiet && !json) {
      out.println(line);
    }
  }

  void line(String line) {
    out.println(line);
  }

  void json(JsonNode value) {
    out.println(value.toPrettyString());
  }

  /**
   * Prints {@code rows} (API objects) with {@code columns}: a column is a field name, a dotted path
   * into nested objects, or an alias from {@code aliases} (rabbitmqctl's column names).
   */
  void table(JsonNode rows, List<String> columns, Map<String, String> aliases) {
    if (json) {
      ArrayNode array = ApiClient.MAPPER.createArrayNode();
      for (JsonNode row : rows) {
        ObjectNode o = array.addObject();
        for (String c : columns) {
          o.set(c, value(row, aliases.getOrDefault(c, c)));
        }
      }
      json(array);
      return;
    }
    out.println(String.join("\t", columns));
    for (JsonNode row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns.size(); i++) {
        if (i > 0) {
          line.append('\t');
        }
        line.append(text(value(row, aliases.getOrDefault(columns.get(i), columns.get(i)))));
      }
      out.println(line);
    }
  }

  /** A field by dotted path; a fixed value when the alias is {@code =value}. */
  static JsonNode value(JsonNode row, String path) {
    if (path.startsWith("=")) {
      return ApiClient.MAPPER.getNodeFactory().textNode(path.substring(1));
    }
    JsonNode node = row;
    for (String part : path.split("\\.")) {
      node = node.path(part);
    }
    return node;
  }

  static String text(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return "";
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }
}
