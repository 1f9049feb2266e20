// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "buildx-doctor",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "BuildxModel", targets: ["BuildxModel"]),
        .library(name: "BuildxDoctor", targets: ["BuildxDoctor"]),
        .executable(name: "buildx-doctor", targets: ["buildx-doctor"]),
    ],
    dependencies: [
        // 5.0.1 keeps duplicate keys (6.x's compose throws on the first one, so a linter could not report it and go
        // on) and composed about 3x faster than 6.2.2 when measured on the real-world corpus.
        .package(url: "https://github.com/jpsim/Yams.git", exact: "5.0.1"),
        // Up to the next minor version: `check` uses `_superCommandName`, which ArgumentParser marks experimental.
        .package(url: "https://github.com/apple/swift-argument-parser.git", .upToNextMinor(from: "1.8.2")),
    ],
    targets: [
        .target(name: "BuildxModel"),
        .target(name: "BuildxDoctor", dependencies: ["BuildxModel", .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "buildx-doctor",
            dependencies: ["BuildxDoctor", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "BuildxModelTests", dependencies: ["BuildxModel"]),
        .testTarget(
            name: "BuildxDoctorTests",
            dependencies: ["BuildxDoctor", "BuildxModel", "buildx-doctor"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
