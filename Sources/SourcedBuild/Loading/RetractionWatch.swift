import CSV
import Foundation
import SourcedCore

/// The Retraction Watch data set as Crossref distributes it (`retraction_watch.csv`), read for
/// the sources a site cites: their retractions, corrections, expressions of concern and
/// reinstatements, by DOI (case-insensitive) or PMID of the original paper.
///
/// The file has some 65,000 rows (about 60 MB); a site cites a few thousand sources. So the
/// rows are found before they are parsed: one pass over the bytes finds each record (a line,
/// or several while a quoted field is open) that holds a cited DOI or PMID as a field, and only
/// those records, under the header, go through the CSV library. Each is then matched again by
/// its parsed `OriginalPaperDOI` and `OriginalPaperPubMedID` fields, so a DOI that only a
/// note or a notice mentions matches nothing.
enum RetractionWatch {
    /// The columns read; a file without one of them is not the data set.
    static let columns = [
        "Record ID", "RetractionDate", "RetractionDOI", "OriginalPaperDOI", "OriginalPaperPubMedID",
        "RetractionNature", "Reason",
    ]

    /// One notice of the data set about one paper.
    struct Notice: Sendable, Equatable {
        enum Nature: Sendable, Equatable {
            case retraction, correction, expressionOfConcern, reinstatement
        }
        var record: String
        var nature: Nature
        var date: Day?
        var noticeDOI: String?
        var reason: String?
    }

    /// The DOIs (lower-cased) and PMIDs of the sources a site cites: what is looked up.
    struct Identities: Sendable, Equatable {
        var dois: Set<String> = []
        var pmids: Set<String> = []

        init() {}

        init(_ references: some Sequence<Reference>) {
            for reference in references { insert(reference) }
        }

        mutating func insert(_ reference: Reference) {
            if let doi = reference.doi { dois.insert(RetractionWatch.lowercased(doi)) }
            if let pmid = reference.pmid { pmids.insert(pmid) }
        }

        var isEmpty: Bool { dois.isEmpty && pmids.isEmpty }
    }

    /// The statuses of the cited sources, by DOI (lower-cased) and by PMID.
    struct Statuses: Sendable, Equatable {
        var byDOI: [String: SourceStatus] = [:]
        var byPMID: [String: SourceStatus] = [:]

        var isEmpty: Bool { byDOI.isEmpty && byPMID.isEmpty }

        /// The status the data set gives `reference`, if the reference states none itself.
        func status(of reference: Reference) -> SourceStatus? {
            guard !isEmpty, reference.isCurrent else { return nil }
            if let doi = reference.doi, let status = byDOI[RetractionWatch.lowercased(doi)] { return status }
            return reference.pmid.flatMap { byPMID[$0] }
        }

        /// `reference` with the data set's status, if it has one and the reference states none.
        func applied(to reference: Reference) -> Reference {
            guard let status = status(of: reference) else { return reference }
            var marked = reference
            marked.status = status
            return marked
        }
    }

    /// The sources a site cites, as what a kept result was looked up for: an order-independent
    /// digest of every DOI (lower-cased) and PMID, made without collecting them (a cached run
    /// needs only this; collecting 70,000 into sets and sorting them took 20 ms).
    static func digest(_ each: ((Reference) -> Void) -> Void) -> String {
        var sums: (UInt64, UInt64) = (0, 0)
        var count = 0
        func add(_ text: String, tag: UInt8) {
            var a: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(tag)
            var b: UInt64 = 0x8422_2325_cbf2_9ce4 ^ UInt64(tag)
            for byte in text.utf8 {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
            sums.0 &+= a
            sums.1 &+= b &* 0x9E37_79B9_7F4A_7C15
            count += 1
        }
        each { reference in
            if let doi = reference.doi { add(lowercased(doi), tag: 1) }
            if let pmid = reference.pmid { add(pmid, tag: 2) }
        }
        return "\(count):\(String(sums.0, radix: 16)):\(String(sums.1, radix: 16))"
    }

    /// A DOI as DOIs compare: most are lower-case ASCII already, and are returned as they are.
    static func lowercased(_ doi: String) -> String {
        doi.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") || $0 >= 0x80 } ? doi.lowercased() : doi
    }

    /// The statuses of the sources with identities `wanted` in `file`, and what was wrong
    /// with the file (reported at its first line: the file as a whole).
    static func read(_ file: SourceFile, wanted: Identities) -> (Statuses, [Diagnostic]) {
        let bytes = file.bytes
        guard let headerEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? (bytes.isEmpty ? nil : bytes.count) else {
            return (Statuses(), [problem(file, "is empty; it should be the Retraction Watch data set (CSV)")])
        }
        var header = Array(bytes[..<headerEnd])
        if header.starts(with: [0xEF, 0xBB, 0xBF]) { header.removeFirst(3) }
        let names = (try? CSVReader(string: String(decoding: header, as: UTF8.self)).next()) ?? []
        let missing = columns.filter { !names.contains($0) }
        guard missing.isEmpty else {
            return (
                Statuses(),
                [
                    problem(
                        file,
                        "lacks the column\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")) of the Retraction Watch data set",
                        hint: "use the CSV Crossref distributes (retraction_watch.csv), its header row unchanged")
                ]
            )
        }
        guard !wanted.isEmpty else { return (Statuses(), []) }
        let records = candidateRecords(bytes, from: headerEnd, wanted: wanted)
        guard !records.isEmpty else { return (Statuses(), []) }
        var text = header
        for record in records {
            text.append(UInt8(ascii: "\n"))
            text += bytes[record]
        }
        var byDOI: [String: [Notice]] = [:]
        var byPMID: [String: [Notice]] = [:]
        guard let reader = try? CSVReader(string: String(decoding: text, as: UTF8.self), hasHeaderRow: true) else {
            return (Statuses(), [problem(file, "could not be read as CSV")])
        }
        while reader.next() != nil {
            guard let notice = notice(reader) else { continue }
            if let doi = reader["OriginalPaperDOI"].map({ lowercased($0.trimmingCharacters(in: .whitespaces)) }),
                wanted.dois.contains(doi)
            {
                byDOI[doi, default: []].append(notice)
            }
            if let pmid = reader["OriginalPaperPubMedID"]?.trimmingCharacters(in: .whitespaces),
                wanted.pmids.contains(pmid)
            {
                byPMID[pmid, default: []].append(notice)
            }
        }
        var statuses = Statuses()
        for (doi, list) in byDOI { statuses.byDOI[doi] = status(list) }
        for (pmid, list) in byPMID { statuses.byPMID[pmid] = status(list) }
        return (statuses, [])
    }

    /// A paper's status from its notices in date order: a retraction stands until a later
    /// reinstatement clears it, and then the paper's latest correction or expression of concern
    /// (if any) is what stands; a correction does not replace an expression of concern.
    static func status(_ notices: [Notice]) -> SourceStatus? {
        let ordered = notices.sorted {
            ($0.date?.description ?? "", $0.record) < ($1.date?.description ?? "", $1.record)
        }
        var retraction: SourceStatus?
        var lesser: SourceStatus?
        for notice in ordered {
            let url = notice.noticeDOI.map { "https://doi.org/" + $0 }
            let note = ["Retraction Watch record \(notice.record)", notice.reason].compactMap { $0 }.joined(
                separator: ": ")
            switch notice.nature {
            case .retraction:
                retraction = SourceStatus(kind: .retracted, date: notice.date, note: note, noticeURL: url)
            case .reinstatement:
                retraction = nil
            case .expressionOfConcern:
                lesser = SourceStatus(kind: .expressionOfConcern, date: notice.date, note: note, noticeURL: url)
            case .correction:
                if lesser?.kind != .expressionOfConcern {
                    lesser = SourceStatus(kind: .corrected, date: notice.date, note: note, noticeURL: url)
                }
            }
        }
        return retraction ?? lesser
    }

    /// The row the reader is on as a notice; nil for a nature it does not know.
    private static func notice(_ reader: CSVReader) -> Notice? {
        let nature: Notice.Nature
        switch reader["RetractionNature"]?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "retraction": nature = .retraction
        case "correction": nature = .correction
        case "expression of concern": nature = .expressionOfConcern
        case "reinstatement": nature = .reinstatement
        default: return nil
        }
        let doi = reader["RetractionDOI"]?.trimmingCharacters(in: .whitespaces)
        let reason = reader["Reason"].map { text in
            text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .map { $0.hasPrefix("+") ? String($0.dropFirst()) : $0 }.filter { !$0.isEmpty }
                .joined(separator: "; ")
        }
        return Notice(
            record: reader["Record ID"] ?? "", nature: nature, date: reader["RetractionDate"].flatMap(day),
            noticeDOI: doi.flatMap { ReferenceDecoder.isValidDOI($0) ? $0 : nil },
            reason: reason?.isEmpty == false ? reason : nil)
    }

    /// `3/9/2026 0:00` (month/day/year, the data set's form) as a day.
    static func day(_ text: String) -> Day? {
        let date = text.split(separator: " ").first ?? ""
        let parts = date.split(separator: "/")
        guard parts.count == 3, let month = Int(parts[0]), let day = Int(parts[1]), let year = Int(parts[2]),
            year >= 1000, year <= 9999
        else { return nil }
        return Day(String(format: "%04d-%02d-%02d", year, month, day))
    }

    /// The byte ranges of the records after the header that hold a wanted DOI or PMID as a field
    /// (between commas or quotes): records end at a line break outside quotes.
    static func candidateRecords(_ bytes: [UInt8], from start: Int, wanted: Identities) -> [Range<Int>] {
        var records: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buffer in
            var recordStart = start + 1
            var quoted = false
            var matched = false
            var fieldStart = recordStart
            var i = recordStart
            func endField(_ end: Int) {
                guard !matched, end > fieldStart else { return }
                var from = fieldStart
                var to = end
                while from < to, buffer[from] == UInt8(ascii: "\"") || buffer[from] == UInt8(ascii: " ") { from += 1 }
                while to > from,
                    buffer[to - 1] == UInt8(ascii: "\"") || buffer[to - 1] == UInt8(ascii: " ")
                        || buffer[to - 1] == UInt8(ascii: "\r")
                {
                    to -= 1
                }
                let length = to - from
                guard length >= 1, length <= 300 else { return }
                let first = buffer[from]
                if first == UInt8(ascii: "1"), length > 3, buffer[from + 1] == UInt8(ascii: "0"),
                    buffer[from + 2] == UInt8(ascii: ".")
                {
                    let doi = String(decoding: UnsafeBufferPointer(rebasing: buffer[from..<to]), as: UTF8.self)
                    if wanted.dois.contains(lowercased(doi)) { matched = true }
                }
                if !matched, length <= 12, (from..<to).allSatisfy({ buffer[$0] >= 0x30 && buffer[$0] <= 0x39 }) {
                    let pmid = String(decoding: UnsafeBufferPointer(rebasing: buffer[from..<to]), as: UTF8.self)
                    if wanted.pmids.contains(pmid) { matched = true }
                }
            }
            while i < buffer.count {
                let byte = buffer[i]
                if byte == UInt8(ascii: "\"") {
                    quoted.toggle()
                } else if !quoted, byte == UInt8(ascii: ",") {
                    endField(i)
                    fieldStart = i + 1
                } else if !quoted, byte == UInt8(ascii: "\n") {
                    endField(i)
                    if matched { records.append(recordStart..<i) }
                    matched = false
                    recordStart = i + 1
                    fieldStart = recordStart
                }
                i += 1
            }
            endField(buffer.count)
            if matched, recordStart < buffer.count { records.append(recordStart..<buffer.count) }
        }
        return records
    }

    private static func problem(_ file: SourceFile, _ message: String, hint: String? = nil) -> Diagnostic {
        let name = file.relativePath.split(separator: "/").last.map(String.init) ?? file.relativePath
        return Diagnostic(
            file: file.path, position: .init(line: 1, column: 1), rule: .invalidReference,
            message: "\(name) \(message)", hint: hint)
    }
}
