import Foundation
import CPARCLI

exit(DaemonMain.run(Array(CommandLine.arguments.dropFirst())))
