import CBTParse
import CBTParseGuard
import Foundation
import SourcedCore
import Synchronization

/// Reads a BibTeX or BibLaTeX file (Zotero's and Better BibTeX's exports) through btparse:
/// `@string` macros, `#` concatenation and the month names expanded, whitespace collapsed.
/// btparse keeps its state in globals and prints its errors on stderr, so one file is parsed at
/// a time, with stderr caught, and each message becomes a diagnostic at its line.
enum BibTeXReader {
    /// btparse's state: started, and the file it stopped on, if it ever did (after which its
    /// globals are not to be trusted, so no more BibTeX is read in this process).
    private struct State {
        var started = false
        var stoppedOn: String?
    }

    private static let lock = Mutex(State())

    static func read(_ file: SourceFile) -> ([LocatedReference], [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var bytes = file.bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return (
                [],
                [
                    Diagnostic(
                        file: file.path, position: .init(line: 1, column: 1), rule: .invalidEncoding,
                        message: "\(file.relativePath) is not valid UTF-8", hint: "export the library as UTF-8")
                ]
            )
        }
        if bytes.contains(0) {
            return (
                [],
                [
                    Diagnostic(
                        file: file.path, position: .init(line: 1, column: 1), rule: .invalidReference,
                        message: "\(file.relativePath) holds a NUL byte: it is not a BibTeX file")
                ]
            )
        }
        let (entries, messages) = lock.withLock { state -> ([ImportedSource], [Diagnostic]) in
            if let stopped = state.stoppedOn {
                return (
                    [],
                    [
                        Diagnostic(
                            file: file.path, position: .init(line: 1, column: 1), rule: .invalidReference,
                            message:
                                "not read: the BibTeX parser gave up on '\(stopped)' earlier in this run and cannot be trusted since",
                            hint: "fix that file, then run again (restart sourced serve)")
                    ]
                )
            }
            if !state.started {
                bt_initialize()
                bt_set_stringopts(BTE_REGULAR, btshort(BTO_CONVERT | BTO_EXPAND | BTO_PASTE | BTO_COLLAPSE))
                bt_set_stringopts(BTE_MACRODEF, btshort(BTO_CONVERT | BTO_EXPAND | BTO_PASTE))
                state.started = true
            }
            let (entries, diagnostics, stopped) = parse(bytes, path: file.path)
            if stopped { state.stoppedOn = file.path }
            return (entries, diagnostics)
        }
        diagnostics += messages
        var references: [LocatedReference] = []
        for entry in entries {
            if let located = entry.located(reporting: &diagnostics) { references.append(located) }
        }
        return (references, diagnostics)
    }

    /// One entry as btparse gave it: type, key and fields, each with its line.
    struct Entry {
        var type: String
        var key: String
        var line: Int
        var fields: [String: (text: String, line: Int)]
    }

    private static let months = [
        "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
        "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
    ]

    /// Parses under the lock: the entries, and btparse's messages about `path` as diagnostics.
    private static func parse(_ bytes: [UInt8], path: String) -> ([ImportedSource], [Diagnostic], stopped: Bool) {
        // A file's @string macros are its own: none is left from another file or an earlier run.
        bt_delete_all_macros()
        // btparse copies both strings (strdup'd ones leaked: the fuzzer's leak check found it).
        for (name, text) in months {
            name.withCString { name in
                text.withCString { text in
                    bt_add_macro_text(
                        UnsafeMutablePointer(mutating: name), UnsafeMutablePointer(mutating: text), nil, 0)
                }
            }
        }
        var entries: [Entry] = []
        var failed: [Int] = []
        var stopped: String?
        let caught = catchingStandardError {
            var copy = bytes
            copy.withUnsafeMutableBytes { buffer in
                guard buffer.count > 0, let stream = fmemopen(buffer.baseAddress, buffer.count, "r") else { return }
                defer { fclose(stream) }
                var ok: boolean = 1
                // btparse keeps the name in every node it makes; it is freed with the stream.
                let name = strdup(path)
                defer { free(name) }
                // btparse remembers the file it is in until a call finds that file already at its
                // end: one it gave up on early (a syntax error at the end returns no entry before
                // the end is seen) made the next file a fatal error ("you can't interleave calls
                // across different files", then exit). So it is called until then, which also
                // frees its lexer's buffer; a run of calls that return nothing is bounded.
                var empty = 0
                while empty < 64 {
                    let atEnd = feof(stream) != 0
                    var fatal: Int32 = 0
                    let parsed = sourced_bt_parse_entry(stream, name, &ok, &fatal)
                    if fatal != 0 {
                        stopped = String(cString: sourced_bt_fatal_message())
                        break
                    }
                    guard let ast = parsed else {
                        if atEnd { break }
                        empty += 1
                        continue
                    }
                    empty = 0
                    defer { bt_free_ast(ast) }
                    let line = Int(ast.pointee.line)
                    guard ok != 0 else {
                        failed.append(line)
                        continue
                    }
                    guard bt_entry_metatype(ast) == BTE_REGULAR else { continue }
                    var entry = Entry(
                        type: String(cString: bt_entry_type(ast)).lowercased(),
                        key: bt_entry_key(ast).map { String(cString: $0) } ?? "", line: line, fields: [:])
                    var field: UnsafeMutablePointer<AST>? = nil
                    var name: UnsafeMutablePointer<CChar>? = nil
                    while let next = bt_next_field(ast, field, &name) {
                        field = next
                        guard let name, let text = bt_get_text(next) else { continue }
                        entry.fields[String(cString: name).lowercased()] = (
                            String(cString: text), Int(next.pointee.line)
                        )
                    }
                    entries.append(entry)
                }
            }
        }
        // Once the parser gave up, the rest of what it printed is part of that, not for stderr.
        var diagnostics = messages(caught, path: path, passingOn: stopped == nil)
        // An entry btparse gave up on without a message of its own is still reported.
        for line in failed where !diagnostics.contains(where: { $0.position.line >= line }) {
            diagnostics.append(
                Diagnostic(
                    file: path, position: .init(line: line, column: 1), rule: .invalidReference,
                    message: "this BibTeX entry is malformed and was skipped"))
        }
        if let stopped {
            // Where it stopped: after the last entry it gave, or its last message.
            let line = max(entries.last?.line ?? 1, diagnostics.map(\.position.line).max() ?? 1)
            diagnostics.append(
                Diagnostic(
                    file: path, position: .init(line: line, column: 1), rule: .invalidReference,
                    message: "BibTeX: the parser gave up on this file (\(stopped)); the entries before it were read",
                    hint: "look for an unbalanced brace or quote after this line, or export the library again"))
        }
        return (entries.map { source($0, path: path) }, diagnostics, stopped != nil)
    }

    /// btparse's messages (`lib.bib, line 11, syntax error: found "@book", expected …`) as
    /// diagnostics; anything else written to stderr meanwhile is passed on.
    static func messages(_ text: String, path: String, passingOn: Bool = true) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let prefix = "\(path), line "
            guard line.hasPrefix(prefix) else {
                if passingOn { FileHandle.standardError.write(Data((line + "\n").utf8)) }
                continue
            }
            let rest = line.dropFirst(prefix.count)
            let digits = rest.prefix(while: \.isNumber)
            var message = rest.dropFirst(digits.count).drop(while: { $0 == "," || $0 == ":" || $0 == " " })
            let isWarning = message.hasPrefix("warning")
            if isWarning { message = message.dropFirst("warning".count).drop(while: { $0 == ":" || $0 == " " }) }
            diagnostics.append(
                Diagnostic(
                    file: path, position: .init(line: Int(digits) ?? 1, column: 1),
                    severity: isWarning ? .warning : .error, rule: .invalidReference,
                    message: "BibTeX: " + message))
        }
        return diagnostics
    }

    /// Runs `body` with file descriptor 2 pointed at an anonymous file, and returns what was
    /// written there.
    private static func catchingStandardError(_ body: () -> Void) -> String {
        fflush(nil)
        let saved = dup(2)
        let file = tmpfile()
        let capture = file.map { dup(fileno($0)) } ?? -1
        if let file { fclose(file) }
        guard saved >= 0, capture >= 0 else {
            if saved >= 0 { close(saved) }
            if capture >= 0 { close(capture) }
            body()
            return ""
        }
        dup2(capture, 2)
        body()
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        defer { close(capture) }
        let size = lseek(capture, 0, SEEK_END)
        guard size > 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: Int(size))
        let n = buffer.withUnsafeMutableBytes { pread(capture, $0.baseAddress, $0.count, 0) }
        return String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)
    }

    /// An entry in Sourced's terms; see the README's table of fields.
    static func source(_ entry: Entry, path: String) -> ImportedSource {
        var source = ImportedSource(
            file: path, position: .init(line: entry.line, column: 1),
            id: .init(value: entry.key, position: .init(line: entry.line, column: 1)))
        func field(_ names: String...) -> ImportedSource.Field? {
            for name in names {
                if let (raw, line) = entry.fields[name] {
                    let text = TeXText.plain(raw)
                    if !text.isEmpty { return .init(value: text, position: .init(line: line, column: 1)) }
                }
            }
            return nil
        }
        let subtype = [field("type"), field("entrysubtype"), field("genre")].compactMap { $0?.value.lowercased() }
        source.type = kind(entry.type, subtype: subtype.joined(separator: " "))
        source.title = field("title")
        if let (raw, _) = entry.fields["author"] ?? entry.fields["editor"] { source.authors = authors(raw) }
        source.container =
            source.type == .book
            ? field("publisher", "booktitle", "organization", "institution")
            : field("journaltitle", "journal", "booktitle", "publisher", "institution", "organization")
        if let date = field("date", "year"), let year = ImportedSource.year(date.value) {
            source.year = .init(value: year, position: date.position)
        }
        source.volume = field("volume")
        source.pages = field("pages").map {
            .init(value: $0.value.replacingOccurrences(of: "–", with: "-"), position: $0.position)
        }
        source.doi = field("doi")
        source.pmid = field("pmid") ?? (field("eprinttype")?.value.lowercased() == "pubmed" ? field("eprint") : nil)
        source.pmcid = field("pmcid")
        source.url = field("url")
        return source
    }

    static func kind(_ type: String, subtype: String) -> Reference.Kind {
        if subtype.contains("guideline") { return .guideline }
        if subtype.contains("review") { return .review }
        switch type {
        case "article", "inproceedings", "conference", "thesis", "phdthesis", "mastersthesis": return .research
        case "book", "inbook", "incollection", "mvbook", "bookinbook", "collection": return .book
        case "online", "www", "electronic", "webpage": return .web
        default: return .other
        }
    }

    /// `Adrogué, Horacio J. and {World Health Organization} and van der Berg, J.-P.` as
    /// `Adrogué HJ`, `World Health Organization`, `van der Berg JP`: split by btparse.
    static func authors(_ raw: String) -> [String] {
        var names: [String] = []
        // Both strings live through the call (a literal passed as a pointer would not: the
        // fuzzer found that use after free).
        let split = raw.withCString { text in
            "and".withCString { delimiter in
                bt_split_list(
                    UnsafeMutablePointer(mutating: text), UnsafeMutablePointer(mutating: delimiter), nil, 0, nil)
            }
        }
        guard let list = split else { return [] }
        defer { bt_free_list(list) }
        for index in 0..<Int(list.pointee.num_items) {
            guard let item = list.pointee.items[index],
                let name = bt_split_name(item, nil, 0, Int32(index))
            else { continue }
            defer { bt_free_name(name) }
            func part(_ which: bt_namepart) -> String {
                let (parts, lengths) = (name.pointee.parts, name.pointee.part_len)
                let (tokens, count): (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, Int32) =
                    switch which {
                    case BTN_FIRST: (parts.0, lengths.0)
                    case BTN_VON: (parts.1, lengths.1)
                    case BTN_LAST: (parts.2, lengths.2)
                    default: (parts.3, lengths.3)
                    }
                guard let tokens, count > 0 else { return "" }
                return (0..<Int(count)).compactMap { tokens[$0].map { TeXText.plain(String(cString: $0)) } }
                    .joined(separator: " ")
            }
            let family = [part(BTN_VON), part(BTN_LAST)].filter { !$0.isEmpty }.joined(separator: " ")
            let given = part(BTN_FIRST)
            let suffix = part(BTN_JR)
            guard !family.isEmpty else { continue }
            var written = ImportedSource.author(family: family, given: given.isEmpty ? nil : given)
            if !suffix.isEmpty { written += " " + suffix }
            names.append(written)
        }
        return names
    }
}
