package dev.verity.receiver;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Refs as {@code git check-ref-format} (git 2.39) judges them; each case was checked with it. */
class RefNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"refs/heads/main", "refs/heads/release/1.x", "refs/tags/v1.0", "refs/heads/a.lockx",
            "refs/heads/x@y", "refs/heads/@a", "refs/heads/ünï", "refs/heads/-x", "refs/heads/a/b/c"})
    void refsGitAcceptsAreValid(String ref) {
        assertThat(RefName.problem(ref)).as(ref).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "refs/heads/a.lock/b | ref refs/heads/a.lock/b has a component ending with '.lock'",
            "refs/heads/a/b.lock | ref refs/heads/a/b.lock has a component ending with '.lock'",
            "refs/heads/.lock    | ref refs/heads/.lock has a component starting with '.'",
            "refs/heads/a/.b     | ref refs/heads/a/.b has a component starting with '.'",
            "refs/heads/a..b     | ref refs/heads/a..b contains '..'",
            "refs/heads/a@{b     | ref refs/heads/a@{b contains '@{'",
            "refs/heads/a/       | ref refs/heads/a/ ends with '/'",
            "refs/heads/a.       | ref refs/heads/a. ends with '.'",
            "refs/heads/a//b     | ref refs/heads/a//b contains an empty component ('//')",
            "refs/heads/@        | ref refs/heads/@ is '@'",
            "refs/heads/         | ref refs/heads/ names no branch or tag",
            "refs/notes/x        | ref refs/notes/x is neither a branch (refs/heads/…) nor a tag (refs/tags/…)",
            "main                | ref main is neither a branch (refs/heads/…) nor a tag (refs/tags/…)"})
    void refsGitRefusesAreInvalidWithTheReason(String ref, String problem) {
        assertThat(RefName.problem(ref)).as(ref).contains(problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"refs/heads/a\nb", "refs/heads/a\u007fb", "refs/heads/a\u0000"})
    void controlCharactersAreRefusedAndShownEscaped(String ref) {
        assertThat(RefName.problem(ref)).get().asString()
                .contains("contains a control character").doesNotContain("\n", "\u007f", "\u0000").contains("\\u00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "refs/heads/a b", "refs/heads/a~1", "refs/heads/a^", "refs/heads/a:b", "refs/heads/a?",
            "refs/heads/a*", "refs/heads/a[b", "refs/heads/a\\b"})
    void emptyRefsAndCharactersGitForbidsAreInvalid(String ref) {
        assertThat(RefName.problem(ref)).as(ref).isPresent();
    }
}
