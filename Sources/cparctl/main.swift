import Foundation
import CPARCLI

exit(CtlMain.run(Array(CommandLine.arguments.dropFirst())))
