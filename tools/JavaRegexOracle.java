// The Java side of tools/java_regex_oracle.py: what java.util.regex says, for the fixture
// tests/data/java_regex_oracle.json. Run by that script as `java tools/JavaRegexOracle.java FILE`
// (single-file source launch, Java 11+); not built or run by CMake or CI.
//
// FILE: one item per line, "P <hex>" (a pattern) or "I <hex>" (an input for the last pattern),
// each the hex of its UTF-8 bytes (valid UTF-8 only). Prints one line per item, in order:
// for P "C" (Pattern.compile succeeded) or "E <hex of the PatternSyntaxException's description>";
// for I "1" or "0" (Pattern.compile(p).matcher(input).matches()), or "-" after a pattern that
// did not compile. Exactly what ZStack's AbstractAction and ApiMessageParamValidator call
// (they trim() the pattern first: the script feeds patterns without surrounding blanks).
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public class JavaRegexOracle {
    static String unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return new String(b, StandardCharsets.UTF_8);
    }

    static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        Pattern p = null;
        try (BufferedReader in = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String text = unhex(line.length() > 2 ? line.substring(2) : "");
                if (line.startsWith("P")) {
                    try {
                        p = Pattern.compile(text);
                        out.write("C\n");
                    } catch (PatternSyntaxException e) {
                        p = null;
                        out.write("E " + hex(e.getDescription()) + "\n");
                    }
                } else if (p == null) {
                    out.write("-\n");
                } else {
                    out.write(p.matcher(text).matches() ? "1\n" : "0\n");
                }
            }
        }
        out.flush();
    }
}
