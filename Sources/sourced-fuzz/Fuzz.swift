import Foundation
import SourcedBuild

// `scripts/fuzz` builds this with `--sanitize=fuzzer,address -Xswiftc -DFUZZING`, and libFuzzer
// supplies `main`; the target is named by SOURCED_FUZZ_TARGET. Built plainly, it replays files:
// `sourced-fuzz TARGET FILE...` (what the regression test does in-process).

#if FUZZING
    let fuzzTarget = ProcessInfo.processInfo.environment["SOURCED_FUZZ_TARGET"] ?? "page"

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        FuzzTargets.run(fuzzTarget, bytes)
        return 0
    }
#else
    @main struct Replay {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let target = arguments.first, FuzzTargets.names.contains(target) else {
                FileHandle.standardError.write(
                    Data("usage: sourced-fuzz \(FuzzTargets.names.joined(separator: "|")) FILE...\n".utf8))
                exit(64)
            }
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                print("\(path): \(FuzzTargets.run(target, Array(data)))")
            }
        }
    }
#endif
