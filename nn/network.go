package nn

import "github.com/dcsim/dcsim/network"

// The network description moved to package network; these names keep the
// callers building until they are switched over (removed in the next commit).
type (
	Kind  = network.Kind
	Shape = network.Layer
	Arch  = network.Network
)

const (
	Conv = network.Conv
	FC   = network.FC
	Pool = network.Pool

	MaxTopologyLayers = network.MaxTopologyLayers
	MaxTopologyBytes  = network.MaxTopologyBytes
	MaxTopologyDim    = network.MaxTopologyDim
	MaxTopologyMACs   = network.MaxTopologyMACs
)

var (
	Zoo           = network.Zoo
	ZooNames      = network.ZooNames
	LoadTopology  = network.LoadTopology
	ParseTopology = network.ParseTopology
	WriteTopology = network.WriteTopology
)
