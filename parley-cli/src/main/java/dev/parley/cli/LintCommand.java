package dev.parley.cli;

import dev.parley.json.JsonWriter;
import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.Headers;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code parley lint}: checks SIP messages, one per file, and says for each whether it is valid.
 *
 * <p>Output is a stable interface (docs/cli.md): one line per input, {@code NAME: valid} or
 * {@code NAME: invalid: REASON at LINE:COLUMN}, or with {@code --json} one JSON object per line.
 */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = {
        "Checks SIP messages, one per FILE (or standard input when FILE is - or absent).",
        "Prints per input 'NAME: valid' or 'NAME: invalid: REASON at LINE:COLUMN'.",
        "Exit status: 0 all valid, 1 some invalid, 2 usage error or unreadable file."})
final class LintCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object per input: verdict, start line, headers, body summary.")
  boolean json;

  @Option(names = "--policy", paramLabel = "strict|lenient", defaultValue = "strict",
      description = "Compliance policy: strict (default) refuses what RFC 4475 calls invalid; lenient repairs what a liberal element may and lists the repairs.")
  String policy;

  @Parameters(paramLabel = "FILE", description = "Files with one SIP message each; - for standard input.")
  List<String> files;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CompliancePolicy compliance = switch (policy.toLowerCase(java.util.Locale.ROOT)) {
      case "strict" -> CompliancePolicy.STRICT;
      case "lenient" -> CompliancePolicy.LENIENT;
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "--policy must be strict or lenient, not '" + policy + "'");
    };
    SipParser parser = SipParser.builder().policy(compliance).validate(true).build();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> inputs = files == null || files.isEmpty() ? List.of("-") : files;
    int status = 0;
    for (String name : inputs) {
      byte[] bytes;
      try {
        bytes = read(name);
      } catch (NoSuchFileException e) {
        err.println(name + ": error: no such file");
        status = 2;
        continue;
      } catch (IOException e) {
        err.println(name + ": error: cannot read: " + e.getMessage());
        status = 2;
        continue;
      }
      SipMessage message = null;
      SipParseException error = null;
      try {
        message = parser.parse(bytes);
      } catch (SipParseException e) {
        error = e;
      }
      if (error != null && status == 0) {
        status = 1;
      }
      out.println(json ? json(name, message, error) : text(name, message, error));
    }
    out.flush();
    return status;
  }

  private static byte[] read(String name) throws IOException {
    if (name.equals("-")) {
      InputStream in = System.in;
      return in.readAllBytes();
    }
    return Files.readAllBytes(Path.of(name));
  }

  static String text(String name, SipMessage message, SipParseException error) {
    if (error != null) {
      return name + ": invalid: " + error.reason() + " at " + error.line() + ":" + error.column();
    }
    if (message.violations().isEmpty()) {
      return name + ": valid";
    }
    StringBuilder sb = new StringBuilder(name).append(": valid (repaired:");
    for (Violation v : message.violations()) {
      sb.append(' ').append(v.name());
    }
    return sb.append(')').toString();
  }

  static String json(String name, SipMessage message, SipParseException error) {
    JsonWriter j = new JsonWriter().beginObject().field("file", name).field("valid", error == null);
    if (error != null) {
      j.name("error").beginObject()
          .field("reason", error.reason())
          .field("line", error.line())
          .field("column", error.column())
          .field("status", error.statusCode())
          .endObject();
      return j.endObject().toString();
    }
    if (message instanceof SipRequest r) {
      j.field("kind", "request").field("method", r.method().name())
          .field("requestUri", r.requestUri().toString());
    } else if (message instanceof SipResponse r) {
      j.field("kind", "response").field("status", r.statusCode())
          .field("reasonPhrase", r.reasonPhrase());
    }
    j.field("startLine", message.startLine());
    j.name("headers").beginArray();
    Headers headers = message.headers();
    for (int i = 0; i < headers.size(); i++) {
      j.beginObject().field("name", headers.headerName(i).name())
          .field("value", headers.value(i)).endObject();
    }
    j.endArray();
    MediaType type = message.contentType();
    j.name("body").beginObject().field("length", message.bodyLength())
        .field("contentType", type == null ? null : type.type() + "/" + type.subtype())
        .endObject();
    j.name("violations").beginArray();
    for (Violation v : message.violations()) {
      j.beginObject().field("name", v.name()).field("reference", v.reference()).endObject();
    }
    j.endArray();
    return j.endObject().toString();
  }
}
