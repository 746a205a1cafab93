package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.FakeScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The user agent's dialog table, on the dialogs of the RFC 3665 §3.2 call. */
class DialogTableTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final Dialog alice = Dialog.asUac(request("3.2/F04.dat"), response("3.2/F14.dat"));
  private final Dialog bob = Dialog.asUas(request("3.2/F07.dat"), response("3.2/F12.dat"));

  private static SipRequest request(String file) {
    return (SipRequest) parse(file);
  }

  private static SipResponse response(String file) {
    return (SipResponse) parse(file);
  }

  private static Object parse(String file) {
    String dir = System.getProperty("parley.conformance.dir", "../../shared/conformance");
    try {
      return SipParser.create().parse(Files.readAllBytes(Path.of(dir, "rfc3665", file)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aFullTableRefusesAnotherDialogUntilOneIsForgotten() {
    DialogTable table = new DialogTable(1);
    DialogEntry first = new DialogEntry(null, alice, scheduler);
    DialogEntry second = new DialogEntry(null, bob, scheduler);

    assertThat(table.register(first)).isTrue();
    assertThat(table.register(second)).isFalse();
    assertThat(table.find(bob.id())).isNull();

    table.forget(first);

    assertThat(alice.state()).isEqualTo(Dialog.State.TERMINATED);
    assertThat(table.register(second)).isTrue();
    assertThat(table.find(bob.id())).isSameAs(second);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void aRequestWeSendInsideOneOfOurDialogsRunsOnThatDialogsScheduler() {
    DialogTable table = new DialogTable(10);
    DialogEntry entry = new DialogEntry(null, alice, scheduler);
    table.register(entry);

    SipRequest bye = alice.newRequest(SipMethod.BYE, 0).build();

    assertThat(table.schedulerOf(bye)).isSameAs(scheduler);
    assertThat(table.schedulerOf(request("3.2/F04.dat"))).isNull(); // no To tag: no dialog
    assertThat(table.remove(entry)).isTrue();
    assertThat(table.schedulerOf(bye)).isNull();
  }
}
