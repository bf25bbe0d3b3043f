package construct

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// Sawtooth builds Telgarsky's sawtooth m^(L) and the labelled set it classifies
// (M. Telgarsky, "Representation benefits of deep feedforward networks", 2015):
//
//	For k ≥ 1, the n = 2^k points x_i = i/2^k, i = 0..2^k−1, with alternating labels
//	y_i = i mod 2 are classified exactly by a ReLU network with 2 nodes in each of 2k
//	layers, while any network with l layers and m ≤ 2^{(k−3)/l − 1} nodes per layer
//	misclassifies at least 1/6 of them.
//
// The network is the width-3 form of Telgarsky's tent map: m(x) = 2σ(x) − 4σ(x − ½) + 2σ(x − 1)
// composed L times, so L hidden layers of 3 units (each reading the previous m through
// weights 2, −4, 2) and an identity output. On the data, m^(L)(i/2^L) = m(frac(i/2)) is 0
// for even i and 1 for odd i, so the certificate claims exact memorisation and
// classification by the threshold ½. Size met: 3L hidden units and depth L + 1, within
// the paper's 4L units and depth 2L + 1. Weights are 1, 2, −4 and biases 0, −½, −1:
// bit complexity 4 at any depth. The dataset is written into the certificate.
func Sawtooth(o Options) (*Result, error) {
	L := o.Depth
	if L < 1 || L > 20 {
		return nil, fmt.Errorf("sawtooth: --depth must be between 1 and 20 (2^L points), got %d", L)
	}
	n := 1 << L
	inputs := make([][]*big.Rat, n)
	labels := make([]int, n)
	for i := range inputs {
		inputs[i] = []*big.Rat{big.NewRat(int64(i), int64(n))}
		labels[i] = i % 2
	}
	d, err := cert.NewDataset(inputs, labels, nil, 2)
	if err != nil {
		return nil, err
	}
	half := big.NewRat(-1, 2)
	net := &cert.Network{InputDim: 1}
	for l := 0; l < L; l++ {
		in := 1
		if l > 0 {
			in = 3
		}
		ly := layer(in, 3, cert.ActReLU)
		for j := 0; j < 3; j++ {
			if l == 0 {
				ly.W[j][0] = rat(1)
			} else {
				ly.W[j] = []*big.Rat{rat(2), rat(-4), rat(2)}
			}
		}
		ly.B = []*big.Rat{rat(0), half, rat(-1)}
		net.Layers = append(net.Layers, ly)
	}
	net.Layers = append(net.Layers, cert.Layer{W: [][]*big.Rat{{rat(2), rat(-4), rat(2)}}, B: []*big.Rat{rat(0)},
		Act: acts(1, cert.ActIdentity)})
	o.Source = nil
	m := meta{method: "sawtooth", theorem: "telgarsky2015-sawtooth",
		name:      "Telgarsky 2015, the sawtooth m^(L) on the 2^L alternating points",
		reference: "M. Telgarsky. Representation benefits of deep feedforward networks. arXiv:1509.08101, 2015.",
		params:    map[string]string{"depth": fmt.Sprint(L)},
	}
	return finish(d, net, &o, m, newPoints(d))
}
