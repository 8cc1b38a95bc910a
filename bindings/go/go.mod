module libpartnerws/bindings/go/partnerws

go 1.17
