/// The citation and grade scanners on any bytes, for the fuzzer (`scripts/fuzz`): the walk hands
/// them text nodes, which may hold any UTF-8.
package enum ScannerFuzzing {
    package static func scan(_ bytes: [UInt8]) -> Int {
        let citations = CitationScanner.scan(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let grades = GradeScanner.mayHold(text) ? GradeScanner.scan(bytes) : []
        return citations.count + grades.count
    }
}
